import { AgentDBError, decodeValue, type Value } from '@agentdb/core';
import type { CommitBatch } from './commit-batch.js';
import type { MutationContext } from './contract.js';
import { checkKey, keyId } from './key-bytes.js';
import { runMutation } from './mutation-run.js';
import { entryValue, isExpired } from './stored-entry.js';
import type { CommitOutcome, PendingWrite, TxContext, TxState } from './tx-state.js';
import { encodedPut, expiryOf, pendingDelete } from './write-set.js';

/**
 * The commit pipeline. Everything here runs synchronously inside one LMDB write transaction, which
 * lmdb-js shares between every commit queued in the same event turn (group commit). Per transaction:
 * validate reads and scans against the latest committed state, run commit-time mutations, then apply.
 * Nothing is written for a transaction until all of its checks and mutations have succeeded, so a
 * refused transaction leaves no trace in the shared batch.
 */

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
  // What the mutation functions write, decoded and last write per key: each is encoded once, after the
  // last mutation ran (a run's event-log head rewritten by 1,000 appends in one transaction costs one
  // encoding, not 1,000). Mutation functions are pure and must not modify what they returned.
  const made = new Map<string, { key: Buffer; value: Value | undefined; expiresAt: number | undefined }>();
  const read = (key: Buffer): Value | undefined => {
    const id = keyId(key);
    const mine = made.get(id);
    if (mine !== undefined)
      return mine.expiresAt !== undefined && mine.expiresAt <= batch.now ? undefined : mine.value;
    const pending = state.writes.get(id);
    if (pending === undefined) return batch.valueOf(key, id);
    if (pending.stored === null || isExpired(pending.stored, batch.now)) return undefined;
    return pending.value ?? decodeValue(entryValue(pending.stored));
  };
  const mctx: MutationContext = {
    get: (key) => read(checkKey(key)),
    put: (key, value, opts) => {
      const k = checkKey(key);
      made.set(keyId(k), { key: k, value, expiresAt: expiryOf(opts, ctx.ttlNow) });
    },
    delete: (key) => {
      const k = checkKey(key);
      made.set(keyId(k), { key: k, value: undefined, expiresAt: undefined });
    },
  };
  const results: unknown[] = [];
  for (const m of state.mutations) {
    const { value, result } = runMutation(m.fn, read(m.key), mctx);
    if (value === undefined) mctx.delete(m.key);
    else mctx.put(m.key, value);
    results.push(result);
  }
  const writes = new Map(state.writes);
  for (const [id, w] of made) {
    if (w.value === undefined) {
      writes.set(id, pendingDelete(w.key));
      continue;
    }
    const write = encodedPut(w.key, w.value, w.expiresAt, ctx, id);
    // The decoded value is kept for later mutations of this key in the batch.
    write.value = w.value;
    writes.set(id, write);
  }
  return { writes, results };
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
