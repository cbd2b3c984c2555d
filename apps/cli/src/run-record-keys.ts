import { type EncodedKey, Key, type RunMetadata, type Value } from '@agentdb/primitives';

/**
 * The run index's key layout, as documented in `@agentdb/run-index`'s README ("Key layout"): import
 * writes a run record exactly as exported (status, timestamps and all), which `createRun` cannot do,
 * so it writes the record, its index entries and the run counter itself. The import tests check the
 * result through `RunIndex` queries, so a change of layout there fails here loudly.
 *
 *   ('record', runId)                          → the record
 *   ('status', status, createdAt, runId)       → [createdAt, runId]
 *   ('created', createdAt, runId)              → [createdAt, runId]
 *   ('tag', tag, createdAt, runId)             → [createdAt, runId]   (one per tag)
 *   ('parent', parentRunId, createdAt, runId)  → [createdAt, runId]   (child runs)
 *   ('count')                                  → number of runs
 */

/** The key of a run's record. @example recordKey('triage-1') */
export function recordKey(runId: string): EncodedKey {
  return Key.run('record', runId);
}

/** The run counter. */
export const COUNT_KEY: EncodedKey = Key.run('count');

/** Every index entry a record implies, with its value. @example for (const [k, v] of indexEntries(run)) tx.put(k, v) */
export function indexEntries(run: RunMetadata): [EncodedKey, Value][] {
  const position: Value = [run.createdAt, run.runId];
  const at = (...prefix: string[]): [EncodedKey, Value] => [
    Key.run(...prefix, run.createdAt, run.runId),
    position,
  ];
  const entries = [at('status', run.status), at('created')];
  for (const tag of run.tags) entries.push(at('tag', tag));
  if (run.parentRunId !== undefined) entries.push(at('parent', run.parentRunId));
  return entries;
}
