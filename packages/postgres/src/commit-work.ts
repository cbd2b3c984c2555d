import type { PutContext } from '@agentdb/engine/kit';
import { type PendingWrite, pendingDelete } from '@agentdb/engine/kit';
import { type CommitBatch, ServerFailure } from './commit-batch.js';
import { runMutations } from './mutations.js';
import { type CommitOutcome, lockKeys, type TxState } from './tx-state.js';

/**
 * What a commit batch does with its transactions, in arrival order, each seeing the writes of those
 * before it: validate its reads and scans against the latest state, run its mutations, apply it.
 * A transaction that read something changed since its snapshot is a conflict and leaves nothing; one
 * whose mutation function throws fails alone. A failing statement fails the whole batch (thrown).
 */
export async function commitTransactions(
  batch: CommitBatch,
  states: readonly TxState[],
  putCtx: PutContext,
): Promise<CommitOutcome[]> {
  const keys: Buffer[] = [];
  for (const state of states) {
    for (const r of state.reads?.values() ?? []) keys.push(r.key);
    for (const m of state.mutations) keys.push(m.key);
  }
  await batch.load(keys);
  const outcomes: CommitOutcome[] = [];
  for (const state of states) outcomes.push(await commitOne(batch, state, putCtx));
  return outcomes;
}

async function commitOne(batch: CommitBatch, state: TxState, putCtx: PutContext): Promise<CommitOutcome> {
  for (const r of state.reads?.values() ?? []) {
    if (batch.versionOf(r.key) !== r.version) return { kind: 'conflict', keys: lockKeys(state) };
  }
  for (const s of state.scans) {
    if (!(await batch.scanUnchanged(s))) return { kind: 'conflict', keys: lockKeys(state) };
  }
  try {
    const { writes, results } = await runMutations(batch, state, putCtx);
    return { kind: 'committed', version: batch.apply(writes), results };
  } catch (error) {
    if (error instanceof ServerFailure) throw error;
    return { kind: 'failed', error };
  }
}

/** One sweep commit: deletes up to `limit` entries expired at the batch's time. */
export async function sweepExpired(
  batch: CommitBatch,
  limit: number,
): Promise<{ deleted: number; more: boolean }> {
  const rows = await batch.expired(limit);
  const writes = new Map<string, PendingWrite>();
  for (const row of rows) {
    const write = pendingDelete(row.key);
    writes.set(write.id, write);
  }
  if (writes.size > 0) batch.apply(writes);
  return { deleted: writes.size, more: rows.length === limit };
}
