import {
  AgentDBError,
  type EncodedKey,
  isValueObject,
  Key,
  type KeyRange,
  systemRange,
  type Value,
} from '@agentdb/core';
import { isRunStatus, type RunMetadata, type RunStatus } from './types.js';

/**
 * The run index's key layout, all in the reserved system namespace (`Key.run`), which no user run id
 * can reach:
 *
 *   ('record', runId)                          → the RunMetadata record
 *   ('status', status, createdAt, runId)       → [createdAt, runId]   (one per run)
 *   ('created', createdAt, runId)              → [createdAt, runId]   (one per run)
 *   ('tag', tag, createdAt, runId)             → [createdAt, runId]   (one per tag)
 *   ('parent', parentRunId, createdAt, runId)  → [createdAt, runId]   (one per child run)
 *   ('count')                                  → number of runs (commit-time counter)
 *
 * Every index orders its entries by (createdAt, runId) after its prefix, so any two indices can be
 * intersected by a merge walk, and a creation-time window narrows every one of them.
 */

/** The key of a run's record. */
export function recordKey(runId: string): EncodedKey {
  return Key.run('record', runId);
}

/** The run counter. */
export const COUNT_KEY: EncodedKey = Key.run('count');

/** An index: the tuple prefix that precedes `(createdAt, runId)`. */
export type IndexPrefix =
  | readonly ['status', RunStatus]
  | readonly ['created']
  | readonly ['tag', string]
  | readonly ['parent', string];

/** The key of `run`'s entry in the index `prefix`. */
export function indexKey(prefix: IndexPrefix, createdAt: number, runId: string): EncodedKey {
  return Key.run(...prefix, createdAt, runId);
}

/** The smallest key of index `prefix` at or after `createdAt` (any run id). */
export function indexKeyAt(prefix: IndexPrefix, createdAt: number): EncodedKey {
  return Key.run(...prefix, createdAt);
}

/** Every entry of index `prefix`. */
export function indexRange(prefix: IndexPrefix): KeyRange {
  return systemRange(...prefix);
}

/** Every index entry a run's record implies. */
export function indexKeysOf(run: RunMetadata): EncodedKey[] {
  const at = (prefix: IndexPrefix) => indexKey(prefix, run.createdAt, run.runId);
  const keys = [at(['status', run.status]), at(['created'])];
  for (const tag of run.tags) keys.push(at(['tag', tag]));
  if (run.parentRunId !== undefined) keys.push(at(['parent', run.parentRunId]));
  return keys;
}

/** A position in an index: every index is ordered by it. */
export interface Position {
  createdAt: number;
  runId: string;
}

/**
 * The value stored in an index entry: its own (createdAt, runId), so a walk reads positions without
 * decoding keys (ordered-binary key decoding costs ~25 µs, more than the scan step itself).
 */
export function indexValue(run: Position): Value {
  return [run.createdAt, run.runId];
}

/** Reads the (createdAt, runId) position of an index entry from its value. */
export function positionOf(value: Value): Position {
  if (Array.isArray(value) && value.length === 2) {
    const [createdAt, runId] = value;
    if (typeof createdAt === 'number' && typeof runId === 'string') return { createdAt, runId };
  }
  throw new AgentDBError('CORRUPTION', 'a run-index entry does not hold its (createdAt, runId)');
}

/** Order of positions: by createdAt, then run id (ASCII, so code-unit order equals byte order). */
export function comparePositions(a: Position, b: Position): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0;
}

/** The stored form: a plain object with unset optional fields left out. */
export function toRecord(run: RunMetadata): Value {
  const out: { [k: string]: Value } = {
    runId: run.runId,
    status: run.status,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    tags: [...run.tags],
    metadata: run.metadata,
  };
  if (run.name !== undefined) out.name = run.name;
  if (run.parentRunId !== undefined) out.parentRunId = run.parentRunId;
  if (run.completedAt !== undefined) out.completedAt = run.completedAt;
  if (run.error !== undefined) out.error = run.error;
  return out;
}

function corrupt(code: 'CORRUPTION' | 'INVALID_ARGUMENT', runId: string, what: string): never {
  const whose = code === 'CORRUPTION' ? 'the run-index record of' : 'the record given for';
  throw new AgentDBError(code, `${whose} "${runId}" is malformed: ${what}`);
}

/**
 * Reads a record back, refusing anything this package would not write: `CORRUPTION` for a stored
 * record, `INVALID_ARGUMENT` for a record a caller hands to `restoreRun`.
 */
export function fromRecord(
  runId: string,
  value: Value,
  code: 'CORRUPTION' | 'INVALID_ARGUMENT' = 'CORRUPTION',
): RunMetadata {
  if (!isValueObject(value)) corrupt(code, runId, 'not an object');
  const r = value as { [k: string]: Value | undefined };
  if (r.runId !== runId) corrupt(code, runId, 'runId does not match its key');
  if (!isRunStatus(r.status)) corrupt(code, runId, 'unknown status');
  if (typeof r.createdAt !== 'number' || typeof r.updatedAt !== 'number')
    corrupt(code, runId, 'timestamps missing');
  if (!Array.isArray(r.tags) || !r.tags.every((t) => typeof t === 'string'))
    corrupt(code, runId, 'tags malformed');
  if (!('metadata' in r) || r.metadata === undefined) corrupt(code, runId, 'metadata missing');
  const run: RunMetadata = {
    runId,
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    tags: r.tags as string[],
    metadata: r.metadata,
  };
  if (typeof r.name === 'string') run.name = r.name;
  if (typeof r.parentRunId === 'string') run.parentRunId = r.parentRunId;
  if (typeof r.completedAt === 'number') run.completedAt = r.completedAt;
  if (typeof r.error === 'string') run.error = r.error;
  return run;
}
