import { AgentDBError, isValueObject, type Value } from '@agentdb/core';
import { isRunStatus, type RunStatus } from './run-status.js';

/** A run as the index stores it. Optional fields are absent (never `undefined`) when unset. */
export interface RunMetadata {
  runId: string;
  name?: string;
  parentRunId?: string;
  status: RunStatus;
  /** Integer ms from the database clock, set once by `createRun`. */
  createdAt: number;
  /** Set by every change that writes the record. */
  updatedAt: number;
  /** Set on entering completed, failed or cancelled (and kept afterwards, e.g. when archived). */
  completedAt?: number;
  /** Distinct tags in the order they were first added. */
  tags: string[];
  metadata: Value;
  /** The error recorded by `failRun` / `updateStatus(id, 'failed', { error })`. */
  error?: string;
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
