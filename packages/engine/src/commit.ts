import { AgentDBError, decodeValue, invalidArgument, type Value } from '@agentdb/core';
import { BatchClaims } from './claims.js';
import { LogEntryBuilder, logEntryHeader } from './commit-log.js';
import type { MutationContext } from './contract.js';
import { checkKey, keyId } from './key-bytes.js';
import type { WalRetention } from './options.js';
import type { RawEntry } from './read-view.js';
import { entryExpiry, entryValue, isExpired } from './stored-entry.js';
import { type PendingWrite, pendingDelete, pendingPut, type TxContext, type TxState } from './transaction.js';
import type { WriteScope } from './write-scope.js';

/**
 * The commit pipeline. Everything here runs synchronously inside one LMDB write transaction, which
 * lmdb-js shares between every commit queued in the same event turn (group commit). Per transaction:
 * validate reads and scans against the latest committed state, run commit-time mutations, then apply.
 * Nothing is written for a transaction until all of its checks and mutations have succeeded, so a
 * refused transaction leaves no trace in the shared batch.
 */

export type CommitOutcome =
  | { kind: 'committed'; version: number; results: readonly unknown[] }
  /** `claimed`: refused only because another transaction's live claim covers a key it writes. */
  | { kind: 'conflict'; keys: string[]; claimed: boolean }
  | { kind: 'failed'; error: unknown };

/**
 * One LMDB write transaction's worth of commits.
 *
 * Writes are staged in memory (last write per key wins) and reach LMDB once, when the batch finishes:
 * a key rewritten by many commits of one batch (an event log's head, a counter) costs one LMDB write,
 * and commit-time mutations read the staged, already decoded value. Reads during the batch (validation,
 * mutations) see staged writes first; a range read flushes the staging area so LMDB's range is exact.
 * Every commit still gets its own version and its own record in the batch's commit-log entry. The
 * version counter is read once and written back once. Nothing is staged for a transaction until its
 * checks and mutations have all succeeded.
 */
export class CommitBatch {
  readonly #scope: WriteScope;
  readonly #log = new LogEntryBuilder();
  readonly #staged = new Map<string, PendingWrite>();
  readonly claims: BatchClaims;
  readonly now: number;
  #version: number;

  constructor(scope: WriteScope, now: number) {
    this.#scope = scope;
    this.claims = new BatchClaims(scope);
    this.now = now;
    this.#version = scope.metaGet('version');
  }

  /** The entry version of `key` now (0 when absent), staged writes included. */
  versionOf(key: Buffer): number {
    const staged = this.#staged.get(keyId(key));
    if (staged !== undefined) return staged.stored === null ? 0 : staged.version;
    return this.#scope.get(key)?.version ?? 0;
  }

  /** The live value of `key` now (`undefined` if absent or expired), staged writes included. */
  valueOf(key: Buffer): Value | undefined {
    const staged = this.#staged.get(keyId(key));
    const stored = staged !== undefined ? staged.stored : (this.#scope.get(key)?.stored ?? null);
    if (stored === null || isExpired(stored, this.now)) return undefined;
    if (staged?.value !== undefined) return staged.value;
    return decodeValue(entryValue(stored));
  }

  /** LMDB's range view, after flushing staged writes into it. */
  range(start: Uint8Array, end: Uint8Array, reverse: boolean): Iterable<RawEntry> {
    this.#flush();
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
      this.#staged.set(w.id, w);
      if (w.expiresAt !== undefined) this.#scope.ttlAdd(w.expiresAt, w.key);
    }
    return version;
  }

  #flush(): void {
    for (const s of this.#staged.values()) {
      if (s.stored === null) this.#scope.remove(s.key);
      else this.#scope.put(s.key, s.stored, s.version);
    }
    this.#staged.clear();
  }

  /** Writes staged entries, the counter and the log entry, then applies log retention. */
  finish(retention: WalRetention): void {
    if (this.#log.empty) return;
    this.#flush();
    this.#scope.metaSet('version', this.#version);
    const { first, bytes } = this.#log.encode(this.now);
    this.#scope.logAppend(first, bytes);
    trimLog(this.#scope, this.#version, this.now, retention);
  }
}

/** True when the scan's observed part of the range still holds exactly the keys and versions it saw. */
function scanUnchanged(batch: CommitBatch, s: TxState['scans'][number]): boolean {
  let start = s.start;
  let end = s.end;
  if (!s.complete) {
    const last = s.seen.at(-1);
    if (last === undefined) return true; // nothing of the snapshot was looked at
    // Observed only up to (and including) the last key pulled.
    if (s.reverse) start = last.key;
    else end = Buffer.concat([last.key, Buffer.from([0])]);
  }
  let i = 0;
  for (const e of batch.range(start, end, s.reverse)) {
    const seen = s.seen[i++];
    if (seen === undefined || seen.version !== e.version || Buffer.compare(seen.key, e.key) !== 0)
      return false;
  }
  return i === s.seen.length;
}

function conflicts(batch: CommitBatch, state: TxState): string[] | undefined {
  for (const r of state.reads?.values() ?? []) {
    if (batch.versionOf(r.key) !== r.version) return lockKeys(state);
  }
  for (const s of state.scans) if (!scanUnchanged(batch, s)) return lockKeys(state);
  return undefined;
}

function* keysOf(writes: ReadonlyMap<string, PendingWrite>): Iterable<Buffer> {
  for (const w of writes.values()) yield w.key;
}

/** The in-process lock identities of everything a transaction depended on (for queued retries). */
function lockKeys(state: TxState): string[] {
  return [...(state.reads?.keys() ?? []), ...state.scans.map((s) => `range:${keyId(s.start)}`)];
}

const NO_RESULTS: readonly unknown[] = [];

function runMutations(
  batch: CommitBatch,
  state: TxState,
  ctx: TxContext,
): { writes: ReadonlyMap<string, PendingWrite>; results: readonly unknown[] } {
  if (state.mutations.length === 0) return { writes: state.writes, results: NO_RESULTS };
  const writes = new Map(state.writes);
  const read = (key: Buffer): Value | undefined => {
    const pending = writes.get(keyId(key));
    if (pending === undefined) return batch.valueOf(key);
    if (pending.stored === null || isExpired(pending.stored, batch.now)) return undefined;
    return pending.value ?? decodeValue(entryValue(pending.stored));
  };
  const mctx: MutationContext = {
    get: (key) => read(checkKey(key)),
    put: (key, value, opts) => {
      const write = pendingPut(key, value, opts, ctx);
      // The decoded value is kept for later mutations of this key in the batch (mutation functions
      // are pure and must not modify what they returned).
      write.value = value;
      writes.set(write.id, write);
    },
    delete: (key) => {
      const write = pendingDelete(checkKey(key));
      writes.set(write.id, write);
    },
  };
  const results: unknown[] = [];
  for (const m of state.mutations) {
    const out = m.fn(read(m.key), mctx) as unknown;
    if (out instanceof Promise || typeof (out as { then?: unknown })?.then === 'function') {
      throw invalidArgument('a mutation function must be synchronous and return { value, result }');
    }
    if (out === null || typeof out !== 'object' || !('value' in out)) {
      throw invalidArgument(
        'a mutation function must return { value, result } (value undefined deletes the key)',
      );
    }
    const { value, result } = out as { value: Value | undefined; result: unknown };
    if (value === undefined) mctx.delete(m.key);
    else mctx.put(m.key, value);
    results.push(result);
  }
  return { writes, results };
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

/** Validates, mutates and applies one transaction inside the shared write transaction. */
export function commitInScope(batch: CommitBatch, state: TxState, ctx: TxContext): CommitOutcome {
  const conflictKeys = conflicts(batch, state);
  if (conflictKeys !== undefined) {
    // A transaction that keeps losing claims what it read, so its next attempt cannot lose again.
    if (state.ticket !== undefined)
      batch.claims.claim(
        state.ticket,
        [...(state.reads?.values() ?? [])].map((r) => r.key),
      );
    return { kind: 'conflict', keys: conflictKeys, claimed: false };
  }
  let prepared: { writes: ReadonlyMap<string, PendingWrite>; results: readonly unknown[] };
  try {
    prepared = runMutations(batch, state, ctx);
  } catch (error) {
    return { kind: 'failed', error };
  }
  if (batch.claims.active && batch.claims.blocks(keysOf(prepared.writes), state.ticket?.token)) {
    return { kind: 'conflict', keys: lockKeys(state), claimed: true };
  }
  try {
    if (state.ticket !== undefined) batch.claims.release(state.ticket);
    return { kind: 'committed', version: batch.apply(prepared.writes), results: prepared.results };
  } catch (cause) {
    // Only storage failures reach here; lmdb-js aborts the whole batch for them.
    throw new AgentDBError('STORAGE', `commit failed: ${String(cause)}`, { cause });
  }
}

/** One sweep commit: deletes up to `limit` expired entries through the expiry index. */
export function sweepInScope(
  scope: WriteScope,
  now: number,
  limit: number,
  retention: WalRetention,
): { deleted: number; more: boolean } {
  const due = scope.ttlDue(now, limit);
  const writes = new Map<string, PendingWrite>();
  for (const d of due) {
    scope.ttlRemove(d.indexKey);
    const current = scope.get(d.key);
    // The index entry is stale if the key was deleted or rewritten with another (or no) expiry.
    if (current !== undefined && entryExpiry(current.stored) === d.expiresAt) {
      const write = pendingDelete(Buffer.from(d.key));
      writes.set(write.id, write);
    }
  }
  if (writes.size > 0) {
    const batch = new CommitBatch(scope, now);
    batch.apply(writes);
    batch.finish(retention);
  }
  return { deleted: writes.size, more: due.length === limit };
}
