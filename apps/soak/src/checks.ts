import { runRange } from '@agentdb/core';
import type { AgentDB } from '@agentdb/primitives';
import type { WorkerReports } from './supervisor.js';
import {
  ACCOUNTS,
  account,
  BANK,
  JOB_TAG,
  receiptKey,
  START_BALANCE,
  TRANSFER_TAG,
  type Transfer,
} from './workload.js';

/** What the checks found: `problems` is empty when every invariant holds. */
export interface CheckResult {
  transfersCommitted: number;
  jobRuns: number;
  lostAcknowledged: number;
  problems: string[];
}

/** A job run's furthest acknowledged step (later, unacknowledged steps may also have committed). */
type JobStep = 'created' | 'completed' | 'deleted';

/**
 * Checks the database after the workers are gone, against what they acknowledged:
 * - every acknowledged transfer is in the bank's event log, with its receipt and its trace; every
 *   event has its receipt (no half-applied transfer); the transfer traces are exactly the events;
 * - the balances total what they started with, and replaying the events gives them;
 * - every job run is whole and at or past its last acknowledged step (created, completed, deleted);
 *   a deleted one has no key left; the run index's parent and tag queries list exactly the job runs;
 * - every event chain verifies, and `engine.verify()` is clean.
 */
export async function checkDatabase(db: AgentDB, reports: WorkerReports): Promise<CheckResult> {
  const problems: string[] = [];
  let lost = 0;
  const problem = (p: string) => {
    if (problems.length < 50) problems.push(p);
  };

  // Transfers.
  const balances = Array<number>(ACCOUNTS).fill(START_BALANCE);
  const committed = new Set<string>();
  for await (const e of db.events.iter(BANK)) {
    const t = e.payload as unknown as Transfer;
    committed.add(t.id);
    balances[t.from]! -= t.amount;
    balances[t.to]! += t.amount;
    if (!(await db.kv.exists(BANK, receiptKey(t.id))))
      problem(`transfer ${t.id} has an event but no receipt`);
    if (!(await db.traces.exists(BANK, t.id))) problem(`transfer ${t.id} has an event but no trace`);
  }
  for (const id of reports.acked.transfer) {
    if (!committed.has(id)) {
      lost++;
      problem(`acknowledged transfer ${id} is missing`);
    }
  }
  const traces = await db.traces.queryByTag(BANK, TRANSFER_TAG);
  if (traces.length !== committed.size)
    problem(`${traces.length} transfer traces for ${committed.size} transfer events`);
  let total = 0;
  for (let i = 0; i < ACCOUNTS; i++) {
    const cell = await db.state.read(BANK, account(i));
    const value = cell?.value as number;
    total += value;
    if (value !== balances[i])
      problem(`account ${i} holds ${value}; replaying the events gives ${balances[i]}`);
  }
  if (total !== ACCOUNTS * START_BALANCE)
    problem(`the balances total ${total}, not ${ACCOUNTS * START_BALANCE}`);
  const bankChain = await db.events.verifyChain(BANK);
  if (!bankChain.valid)
    problem(`the bank's event chain is broken at ${bankChain.firstInvalid}: ${bankChain.error}`);

  // Job runs.
  const steps = new Map<string, JobStep>();
  for (const id of reports.acked.job) steps.set(id, 'created');
  for (const id of reports.acked.complete) steps.set(id, 'completed');
  for (const id of reports.acked.delete) steps.set(id, 'deleted');
  const children = await db.runs.queryRuns({ parentRunId: BANK });
  const tagged = new Set((await db.runs.queryRuns({ tag: JOB_TAG })).map((r) => r.runId));
  const existing = new Set(children.map((r) => r.runId));
  if (tagged.size !== existing.size || [...tagged].some((id) => !existing.has(id)))
    problem(`the tag index lists ${tagged.size} job runs, the parent index ${existing.size}`);
  for (const run of children) {
    const events = await db.events.readRange(run.runId, 0, 10);
    const status = (await db.state.read(run.runId, 'status'))?.value;
    const whole =
      (await db.kv.exists(run.runId, 'input')) &&
      (await db.traces.count(run.runId)) === events.length &&
      (run.status === 'active'
        ? events.length === 1 && status === 'queued'
        : run.status === 'completed' && events.length === 2 && status === 'done');
    if (!whole) problem(`job run ${run.runId} (${run.status}) is not whole`);
    const chain = await db.events.verifyChain(run.runId);
    if (!chain.valid) problem(`job run ${run.runId}: chain broken at ${chain.firstInvalid}`);
  }
  for (const [id, step] of steps) {
    const run = children.find((r) => r.runId === id);
    const gone = run === undefined;
    if (step === 'deleted' || gone) {
      if (step !== 'deleted' && step !== 'completed') {
        lost++;
        problem(`acknowledged job run ${id} is missing`);
      }
      if (gone) {
        for await (const _ of db.engine.scan(runRange(id), { limit: 1, includeExpired: true })) {
          problem(`deleted job run ${id} left keys behind`);
        }
      } else {
        lost++;
        problem(`acknowledged deletion of job run ${id} is undone`);
      }
    } else if (step === 'completed' && run.status !== 'completed') {
      lost++;
      problem(`acknowledged completion of job run ${id} is missing (status ${run.status})`);
    }
  }

  const verify = await db.engine.verify();
  for (const p of verify.problems.slice(0, 10)) problem(`engine.verify: ${p}`);
  return { transfersCommitted: committed.size, jobRuns: children.length, lostAcknowledged: lost, problems };
}
