import {
  type AgentDB,
  type RunMetadata,
  runIdOfKey,
  runRange,
  userKeysRange,
  validateRunId,
} from '@agentdb/primitives';
import { CliError } from './errors.js';

/**
 * The ids of every run that has data (KV, events, state, traces, extensions), whether or not the run
 * index knows it: a skip scan that reads one key per run and seeks past the rest of that run.
 *
 * @example
 * await dataRunIds(db); // ['orphan', 'triage-1', …] in key order
 */
export async function dataRunIds(db: AgentDB): Promise<string[]> {
  const ids: string[] = [];
  // All run data and none of the run index, ordered by run id.
  const userKeys = userKeysRange();
  let start = userKeys.start;
  for (;;) {
    let next: string | undefined;
    for await (const { key } of db.engine.scan({ start, end: userKeys.end }, { limit: 1 })) {
      next = runIdOfKey(key);
    }
    if (next === undefined) return ids;
    ids.push(next);
    start = runRange(next).end;
  }
}

/**
 * Every run id: the run index's (by creation time), then runs that have data but no record.
 *
 * @example
 * for (const id of await allRunIds(db)) …
 */
export async function allRunIds(db: AgentDB): Promise<string[]> {
  const indexed = await db.runs.listRuns();
  const known = new Set(indexed);
  return [...indexed, ...(await dataRunIds(db)).filter((id) => !known.has(id))];
}

/**
 * Whether `runId` has any stored data.
 *
 * @example
 * await hasData(db, 'triage-1'); // true
 */
export async function hasData(db: AgentDB, runId: string): Promise<boolean> {
  for await (const _ of db.engine.scan(runRange(runId), { limit: 1 })) return true;
  return false;
}

/**
 * Whether `runId` (checked for validity first) has a run record or any data.
 *
 * @example
 * await knownRun(db, 'triage-1'); // true
 */
export async function knownRun(db: AgentDB, runId: string): Promise<boolean> {
  validateRunId(runId);
  return (await db.runs.exists(runId)) || (await hasData(db, runId));
}

/**
 * Checks that `runId` is a valid id of a run the database knows (a record or any data) and returns
 * its record, if any. Unknown runs are a one-line error.
 *
 * @example
 * const record = await requireRun(db, ctx.dir, 'triage-1');
 */
export async function requireRun(db: AgentDB, dir: string, runId: string): Promise<RunMetadata | undefined> {
  validateRunId(runId);
  const record = await db.runs.getRun(runId);
  if (record === undefined && !(await hasData(db, runId))) {
    throw new CliError(`unknown run "${runId}" in ${dir}`);
  }
  return record;
}
