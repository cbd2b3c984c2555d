import { type AgentDB, runRange } from '@agentdb/primitives';
import { countRun, runRow } from './run-rows.js';
import type { RunDetail } from './shared/api-types.js';
import { FULL_CHARS, valueText } from './value-text.js';

/** Child runs listed on a run page; the rest are one click away (the runs page filtered by parent). */
export const CHILDREN_SHOWN = 50;

/** Whether any key is stored under `runId` (KV, events, state, traces, extensions): one seek. */
async function hasData(db: AgentDB, runId: string): Promise<boolean> {
  for await (const _ of db.engine.scan(runRange(runId), { limit: 1 })) return true;
  return false;
}

/**
 * A run's record (if the run index has one), its counts and its first child runs; `undefined` when
 * the database knows nothing of `runId` (no record and no data). `runId` must be a valid run id.
 *
 * @example
 * const detail = await readRunDetail(db, 'triage-1');
 */
export async function readRunDetail(db: AgentDB, runId: string): Promise<RunDetail | undefined> {
  const version = db.engine.stats().version;
  const record = await db.runs.getRun(runId);
  if (record === undefined && !(await hasData(db, runId))) return undefined;
  const [row, children] = await Promise.all([
    record === undefined ? undefined : runRow(db, record),
    db.runs.queryRuns({ parentRunId: runId, limit: CHILDREN_SHOWN }),
  ]);
  const detail: RunDetail = {
    runId,
    counts: row?.counts ?? (await countRun(db, runId)),
    children: await Promise.all(children.map((c) => runRow(db, c))),
    version,
  };
  if (record !== undefined && row !== undefined)
    detail.run = { ...row, metadata: valueText(record.metadata, FULL_CHARS) };
  return detail;
}

/**
 * Whether the database knows `runId`: a run-index record or any stored data.
 *
 * @example
 * if (!(await runExists(db, id))) res.statusCode = 404;
 */
export async function runExists(db: AgentDB, runId: string): Promise<boolean> {
  return (await db.runs.exists(runId)) || (await hasData(db, runId));
}
