import { EventEmitter } from 'node:events';
import {
  AgentDBError,
  checkBoolean,
  checkNonNegativeInt,
  checkOptions,
  describe,
  invalidArgument,
} from '@agentdb/core';
import { type CommitRecord, decodeLogEntry, toCommitRecord } from './commit-log.js';
import type { ChangesOptions } from './contract.js';
import type { Lifecycle } from './lifecycle.js';
import type { Storage } from './storage.js';

const CHANGES_OPTIONS: Record<keyof ChangesOptions, true> = { since: true, follow: true, signal: true };
const CHANGES_OPTION_NAMES = Object.keys(CHANGES_OPTIONS) as (keyof ChangesOptions)[];

/** How often a following feed looks for commits of other processes (its own wake it at once). */
const POLL_MS = 50;
/** Log entries read per step. */
const PAGE = 64;

/**
 * `db.changes`: the commit log as an ordered feed, from any retained version, optionally following new
 * commits. Commits of this process wake followers at once (`notify`); those of other processes are
 * found by polling.
 */
export class ChangeFeed {
  readonly #storage: Storage;
  readonly #lifecycle: Lifecycle;
  readonly #commits = new EventEmitter();

  constructor(storage: Storage, lifecycle: Lifecycle) {
    this.#storage = storage;
    this.#lifecycle = lifecycle;
    this.#commits.setMaxListeners(0);
  }

  /** A commit landed (or the database is closing): wake the followers. */
  notify(): void {
    this.#commits.emit('commit');
  }

  /** The feed itself (see `Database.changes`). */
  async *changes(opts: ChangesOptions = {}): AsyncIterableIterator<CommitRecord> {
    this.#lifecycle.assertOpen();
    const o = checkOptions(opts, CHANGES_OPTION_NAMES, 'changes');
    const since = o.since === undefined ? undefined : checkNonNegativeInt(o.since, 'since');
    const follow = o.follow === undefined ? false : checkBoolean(o.follow, 'follow');
    if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
      throw invalidArgument(`signal must be an AbortSignal, got ${describe(o.signal)}`);
    }
    const signal = o.signal as AbortSignal | undefined;
    const trimmed = this.#storage.metaGet('logTrimmedThrough');
    if (since !== undefined && since < trimmed) {
      throw new AgentDBError(
        'NOT_FOUND',
        `commits up to ${trimmed} were trimmed by walRetention; ask for since ≥ ${trimmed}`,
      );
    }
    let next = (since ?? trimmed) + 1;
    for (;;) {
      if (signal?.aborted || this.#lifecycle.closing) return;
      const entries = this.#storage.logFrom(next, PAGE);
      for (const { first, entry } of entries) {
        for (const commit of decodeLogEntry(first, entry)) {
          if (commit.version < next) continue;
          yield toCommitRecord(commit);
          next = commit.version + 1;
        }
      }
      if (entries.length === PAGE) continue;
      if (!follow) return;
      await this.#nextCommit(signal);
    }
  }

  #nextCommit(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#commits.off('commit', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, POLL_MS);
      this.#commits.on('commit', done);
      signal?.addEventListener('abort', done);
    });
  }
}
