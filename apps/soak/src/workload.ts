import type { AgentDB } from '@agentdb/primitives';

/**
 * The soak's transactions. Every one spans several primitives in one `AgentDB.transaction`, so a lost
 * or half-applied commit shows up as a disagreement between them (checks.ts). A worker reports each
 * transaction only after its promise resolved: `<kind> <id>` on stdout.
 *
 * - transfer: moves money between two of the bank run's state cells, appends an event, puts a KV
 *   receipt and records a tool_call trace whose id is the transfer's.
 * - job: creates a child run of the bank run (run index), with a KV input, a KV lease with a TTL (the
 *   sweeper deletes it: sweeps are commits too), a state cell, an event and a trace.
 * - complete: completes a job run, sets its state cell, appends an event and records a decision trace.
 * - delete: deletes a completed job run and everything stored under it (cascade).
 */

/** The run holding the accounts; every job run is its child. */
export const BANK = 'bank';
export const ACCOUNTS = 10;
export const START_BALANCE = 1000;
/** The run-index tag on every job run. */
export const JOB_TAG = 'soak-job';
/** The trace tag on every transfer trace. */
export const TRANSFER_TAG = 'transfer';

export const account = (i: number): string => `acct${i}`;
export const receiptKey = (id: string): string => `receipt/${id}`;

export type AckKind = 'transfer' | 'job' | 'complete' | 'delete';
export const ACK_KINDS: readonly AckKind[] = ['transfer', 'job', 'complete', 'delete'];

/** The payload of a transfer event (and the arguments of its trace). */
export interface Transfer {
  id: string;
  from: number;
  to: number;
  amount: number;
}

/** Creates the bank run and its accounts in an empty database. */
export async function setUpBank(db: AgentDB): Promise<void> {
  await db.transaction(BANK, async (tx) => {
    await tx.runs.createRun({ name: 'soak bank' });
    for (let i = 0; i < ACCOUNTS; i++) await tx.state.init(account(i), START_BALANCE);
  });
}

/** One transfer; false (nothing written) when the source account cannot cover it. */
export function transfer(db: AgentDB, t: Transfer): Promise<boolean> {
  return db.transaction(BANK, async (tx) => {
    const from = await tx.state.read(account(t.from));
    const to = await tx.state.read(account(t.to));
    if (from === undefined || to === undefined) throw new Error('the bank is not set up');
    if ((from.value as number) < t.amount) return false;
    await tx.state.set(account(t.from), (from.value as number) - t.amount);
    await tx.state.set(account(t.to), (to.value as number) + t.amount);
    await tx.kv.put(receiptKey(t.id), { from: t.from, to: t.to, amount: t.amount });
    tx.events.append('transfer', { ...t });
    await tx.traces.record(
      { type: 'tool_call', toolName: 'transfer', arguments: { ...t } },
      { id: t.id, tags: [TRANSFER_TAG] },
    );
    return true;
  });
}

/** Creates job run `job` under the bank run. */
export function createJob(db: AgentDB, job: string): Promise<void> {
  return db.transaction(job, async (tx) => {
    await tx.runs.createRun({ parentRunId: BANK, tags: [JOB_TAG], name: `job ${job}` });
    await tx.kv.put('input', { job });
    await tx.kv.put('lease', job, { ttlMs: 300 });
    await tx.state.init('status', 'queued');
    tx.events.append('job.created', { job });
    await tx.traces.record({ type: 'thought', content: `queued ${job}` }, { tags: ['job'] });
  });
}

/** Completes job run `job`. */
export function completeJob(db: AgentDB, job: string): Promise<void> {
  return db.transaction(job, async (tx) => {
    await tx.runs.completeRun();
    await tx.state.set('status', 'done');
    tx.events.append('job.done', { job });
    await tx.traces.record({ type: 'decision', question: 'done?', options: ['yes', 'no'], chosen: 'yes' });
  });
}

/** Deletes job run `job` with everything stored under it. */
export async function deleteJob(db: AgentDB, job: string): Promise<void> {
  await db.runs.deleteRun(job);
}
