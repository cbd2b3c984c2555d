import { decodeValue, invalidArgument, type Value } from '@agentdb/core';
import type { MutationContext } from '@agentdb/engine';
import {
  checkedPut,
  checkKey,
  entryValue,
  isExpired,
  keyId,
  type PendingWrite,
  type PutContext,
  pendingDelete,
} from '@agentdb/engine/kit';
import { type CommitBatch, NotLoaded } from './commit-batch.js';
import type { TxState } from './tx-state.js';

/** A transaction's final write set and its mutations' results. */
export interface Prepared {
  writes: ReadonlyMap<string, PendingWrite>;
  results: readonly unknown[];
}

const NO_RESULTS: readonly unknown[] = [];

/**
 * Runs a transaction's commit-time mutations on the latest values, inside the batch. Mutation
 * functions are pure and synchronous, so when one asks `ctx.get` for a key the batch has not loaded,
 * the key is loaded and all of the transaction's mutations run again from the start (even if the
 * function swallowed the signal). Throws what a mutation function throws (the transaction fails).
 */
export async function runMutations(
  batch: CommitBatch,
  state: TxState,
  putCtx: PutContext,
): Promise<Prepared> {
  if (state.mutations.length === 0) return { writes: state.writes, results: NO_RESULTS };
  await batch.load(state.mutations.map((m) => m.key));
  for (;;) {
    const missing: Buffer[] = [];
    let prepared: Prepared | undefined;
    try {
      prepared = runOnce(batch, state, putCtx, missing);
    } catch (error) {
      // An error after a read of an unloaded key may stem from that read: load it and run again.
      if (missing.length === 0) throw error;
    }
    if (missing.length === 0) return prepared!;
    for (const key of missing) await batch.loadFrom(key);
  }
}

function runOnce(batch: CommitBatch, state: TxState, putCtx: PutContext, missing: Buffer[]): Prepared {
  const writes = new Map(state.writes);
  const read = (key: Buffer): Value | undefined => {
    const pending = writes.get(keyId(key));
    if (pending !== undefined) {
      if (pending.stored === null || isExpired(pending.stored, batch.now)) return undefined;
      return pending.value ?? decodeValue(entryValue(pending.stored));
    }
    try {
      return batch.valueOf(key);
    } catch (error) {
      if (error instanceof NotLoaded) missing.push(error.key);
      throw error;
    }
  };
  const ctx: MutationContext = {
    get: (key) => read(checkKey(key)),
    put: (key, value, opts) => {
      const write = checkedPut(key, value, opts, putCtx);
      // The decoded value is kept for later mutations of this key (mutation functions are pure and
      // must not modify what they returned).
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
    const out = m.fn(read(m.key), ctx) as unknown;
    if (out instanceof Promise || typeof (out as { then?: unknown })?.then === 'function') {
      throw invalidArgument('a mutation function must be synchronous and return { value, result }');
    }
    if (out === null || typeof out !== 'object' || !('value' in out)) {
      throw invalidArgument(
        'a mutation function must return { value, result } (value undefined deletes the key)',
      );
    }
    const { value, result } = out as { value: Value | undefined; result: unknown };
    if (value === undefined) ctx.delete(m.key);
    else ctx.put(m.key, value);
    results.push(result);
  }
  return { writes, results };
}
