import type { AgentDB, RunMetadata } from '@agentdb/primitives';
import type { RunCounts, RunRow } from './shared/api-types.js';

/**
 * Listings that can be long (a run's KV keys, its child runs) are counted up to this many entries, so
 * a row costs O(cap) reads however big the run is; the page then shows "1000+".
 */
export const COUNT_CAP = 1000;

/**
 * How many entries `runId` holds per primitive: events and traces are O(1) counters; KV keys and
 * child runs are counted up to `COUNT_CAP`; state cells are listed (a run has few).
 *
 * @example
 * await countRun(db, 'triage-1'); // { kv: 3, kvMore: false, events: 12, state: 2, traces: 6 }
 */
export async function countRun(db: AgentDB, runId: string): Promise<RunCounts> {
  const [kv, events, state, traces] = await Promise.all([
    db.kv.list(runId, { limit: COUNT_CAP + 1 }),
    db.events.len(runId),
    db.state.list(runId),
    db.traces.count(runId),
  ]);
  return {
    kv: Math.min(kv.length, COUNT_CAP),
    kvMore: kv.length > COUNT_CAP,
    events,
    state: state.length,
    traces,
  };
}

/**
 * A run record with its counts and number of children, as the lists show it.
 *
 * @example
 * const row = await runRow(db, (await db.runs.getRun('triage-1'))!);
 */
export async function runRow(db: AgentDB, run: RunMetadata): Promise<RunRow> {
  const [counts, children] = await Promise.all([
    countRun(db, run.runId),
    db.runs.queryRuns({ parentRunId: run.runId, limit: COUNT_CAP + 1 }),
  ]);
  const row: RunRow = {
    runId: run.runId,
    status: run.status,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    tags: run.tags,
    counts,
    children: Math.min(children.length, COUNT_CAP),
    childrenMore: children.length > COUNT_CAP,
  };
  if (run.name !== undefined) row.name = run.name;
  if (run.parentRunId !== undefined) row.parentRunId = run.parentRunId;
  if (run.completedAt !== undefined) row.completedAt = run.completedAt;
  if (run.error !== undefined) row.error = run.error;
  return row;
}
