import { decodeValue, type Value } from '@agentdb/core';
import { BatchClaims } from './claims.js';
import { LogEntryBuilder, logEntryHeader } from './commit-log.js';
import { keyId } from './key-bytes.js';
import type { WalRetention } from './options.js';
import type { RawEntry } from './read-view.js';
import type { StagedScope } from './staged-scope.js';
import { entryValue, isExpired } from './stored-entry.js';
import type { PendingWrite } from './tx-state.js';
import type { WriteScope } from './write-scope.js';

/**
 * One LMDB write transaction's worth of commits.
 *
 * Writes go to the batch's staged scope (staged-scope.ts; last write per key wins) and reach LMDB once,
 * after the batch: a key rewritten by many commits of one batch (an event log's head, a counter) costs
 * one LMDB write, and commit-time mutations read the staged, already decoded value. Reads during the
 * batch (validation, mutations, ranges) see staged writes first. Every commit still gets its own
 * version and its own record in the batch's commit-log entry. The version counter is read once and
 * written back once. Nothing is staged for a transaction until its checks and mutations have all
 * succeeded.
 */
export class CommitBatch {
  readonly #scope: StagedScope;
  readonly #log = new LogEntryBuilder();
  readonly claims: BatchClaims;
  readonly now: number;
  #version: number;

  constructor(scope: StagedScope, now: number) {
    this.#scope = scope;
    this.claims = new BatchClaims(scope);
    this.now = now;
    this.#version = scope.metaGet('version');
  }

  /** The entry version of `key` now (0 when absent), staged writes included. */
  versionOf(key: Buffer): number {
    return this.#scope.get(key)?.version ?? 0;
  }

  /**
   * The live value of `key` now (`undefined` if absent or expired), staged writes included. `id` is
   * `keyId(key)`, when the caller has it.
   */
  valueOf(key: Buffer, id = keyId(key)): Value | undefined {
    const staged = this.#scope.staged(id);
    const stored = staged !== undefined ? staged.stored : (this.#scope.committed(key)?.stored ?? null);
    if (stored === null || isExpired(stored, this.now)) return undefined;
    if (staged?.value !== undefined) return staged.value;
    return decodeValue(entryValue(stored));
  }

  /** The range as it is now, staged writes included. */
  range(start: Uint8Array, end: Uint8Array, reverse: boolean): Iterable<RawEntry> {
    return this.#scope.range(start, end, reverse);
  }

  /**
   * Applies a write set as the next commit: staged entries stamped with its version, expiry-index
   * entries, and its record in the batch's log entry. Returns the commit version. The batch keeps
   * `writes` (for the log entry): the caller must not change it afterwards.
   */
  apply(writes: ReadonlyMap<string, PendingWrite>): number {
    const version = ++this.#version;
    this.#log.add(version, writes);
    for (const w of writes.values()) {
      // The write is the batch's from now on: stamping it in place spares a staging copy.
      w.version = version;
      this.#scope.stage(w.id, w);
      if (w.expiresAt !== undefined) this.#scope.ttlAdd(w.expiresAt, w.key);
    }
    return version;
  }

  /** Writes staged entries, the counter and the log entry, then applies log retention. */
  finish(retention: WalRetention): void {
    if (this.#log.empty) return;
    this.#scope.metaSet('version', this.#version);
    const { first, bytes } = this.#log.encode(this.now);
    this.#scope.logAppend(first, bytes);
    trimLog(this.#scope, this.#version, this.now, retention);
  }
}

const TRIM_BATCH = 256;

/** Removes whole log entries that retention no longer keeps (bounded work per batch). */
function trimLog(scope: WriteScope, version: number, now: number, retention: WalRetention): void {
  if (retention === 'all') return;
  const keepAfter = 'commits' in retention ? version - retention.commits : undefined;
  const cutoff = 'ms' in retention ? now - retention.ms : undefined;
  let trimmedThrough = 0;
  for (const { first, entry } of scope.logOldest(TRIM_BATCH)) {
    const header = logEntryHeader(entry);
    // A damaged entry stops trimming: it stays for verify() to report, and the commit goes on.
    if (header === undefined) break;
    const { last, timestamp } = header;
    if (keepAfter !== undefined ? last > keepAfter : timestamp >= cutoff!) break;
    scope.logRemove(first);
    trimmedThrough = last;
  }
  if (trimmedThrough > 0) scope.metaSet('logTrimmedThrough', trimmedThrough);
}
