import type { EventEmitter } from 'node:events';
import { checkBoolean, checkNonNegativeInt, checkOptions, describe, invalidArgument } from '@agentdb/core';
import type { ChangesOptions, CommitRecord } from '@agentdb/engine';
import { decodeLogEntry, toCommitRecord } from '@agentdb/engine/kit';

const CHANGES_OPTIONS: Record<keyof ChangesOptions, true> = { since: true, follow: true, signal: true };
const CHANGES_OPTION_NAMES = Object.keys(CHANGES_OPTIONS) as (keyof ChangesOptions)[];
const PAGE = 64;

/** Checks `changes` options (known names only, read once). */
export function checkChangesOptions(opts: ChangesOptions | undefined): {
  since: number;
  follow: boolean;
  signal: AbortSignal | undefined;
} {
  const o = checkOptions(opts, CHANGES_OPTION_NAMES, 'changes');
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw invalidArgument(`signal must be an AbortSignal, got ${describe(o.signal)}`);
  }
  return {
    since: o.since === undefined ? 0 : checkNonNegativeInt(o.since, 'since'),
    follow: o.follow === undefined ? false : checkBoolean(o.follow, 'follow'),
    signal: o.signal as AbortSignal | undefined,
  };
}

/** What the feed needs from its engine. */
export interface FeedSource {
  /** Log rows holding commit `after + 1` and later, oldest first, at most `limit`. */
  rows(after: number, limit: number): Promise<{ first_version: number; record: Buffer }[]>;
  /** Resolves when a new commit may exist: one was announced, the poll interval passed, or the feed should stop. */
  wait(signal: AbortSignal | undefined): Promise<void>;
  closed(): boolean;
}

/**
 * Every commit after `since`, once each, in version order. Versions have no gaps and a commit becomes
 * visible only after every lower version has (commits serialise on the counter row), so reading the
 * log in version order never skips a commit that finishes later. With `follow`, waits for new ones
 * until `signal` aborts or the engine closes.
 */
export async function* changeFeed(
  opts: { since: number; follow: boolean; signal: AbortSignal | undefined },
  source: FeedSource,
): AsyncIterableIterator<CommitRecord> {
  let next = opts.since + 1;
  for (;;) {
    if (opts.signal?.aborted || source.closed()) return;
    const rows = await source.rows(next - 1, PAGE);
    for (const row of rows) {
      for (const commit of decodeLogEntry(row.first_version, row.record)) {
        if (commit.version < next) continue;
        yield toCommitRecord(commit);
        next = commit.version + 1;
      }
    }
    if (rows.length === PAGE) continue;
    if (!opts.follow) return;
    await source.wait(opts.signal);
  }
}

/**
 * Resolves at the next `commit` event of `events` (a commit here, a notification from another
 * process, or the engine closing), when `signal` aborts, or after `pollMs` — whichever is first.
 */
export function nextCommit(
  events: EventEmitter,
  signal: AbortSignal | undefined,
  pollMs: number,
): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      events.off('commit', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, pollMs);
    events.on('commit', done);
    signal?.addEventListener('abort', done);
  });
}
