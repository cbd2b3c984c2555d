import {
  describe,
  invalidArgument,
  type Value,
  validateKeyString,
  validateRunId,
  validateValue,
} from '@agentdb/core';
import type { Position } from './run-keys.js';
import { fromRecord, type RunMetadata } from './run-metadata.js';
import { assertRunStatus, type RunStatus } from './run-status.js';

/** Options of `restoreRun`. */
export interface RestoreRunOptions {
  /** Overwrite an existing record of the same run. Default false. */
  replace?: boolean;
}

/** Options of `createRun`. */
export interface CreateRunOptions {
  /** Default: a new random id (`newId()`). ALREADY_EXISTS if a run with this id exists. */
  runId?: string;
  /** A label for people: 1–512 UTF-8 bytes. */
  name?: string;
  /** An existing run (NOT_FOUND otherwise); the new run becomes its child. Fixed for life. */
  parentRunId?: string;
  /** Strings of 1–512 UTF-8 bytes; duplicates are dropped (first occurrence kept). */
  tags?: readonly string[];
  /** Any Value; default `{}`. */
  metadata?: Value;
}

/** Options of `updateStatus`. */
export interface UpdateStatusOptions {
  /** Recorded on the run; only with status `failed`. */
  error?: string;
}

/** Options of `deleteRun`. */
export interface DeleteRunOptions {
  /** Also delete every descendant run. Without it a run with children is refused (INVALID_ARGUMENT). */
  recursive?: boolean;
}

/**
 * A `queryRuns` filter. Every given field must match (AND). Results are ordered by (createdAt, runId)
 * ascending.
 */
export interface RunQuery {
  status?: RunStatus;
  tag?: string;
  parentRunId?: string;
  /** Only runs created strictly after this time (integer ms). */
  createdAfter?: number;
  /** Only runs created strictly before this time (integer ms). */
  createdBefore?: number;
  /** At most this many runs (a positive integer). Default: all. */
  limit?: number;
  /**
   * Resume after this run: pass the last run of the previous page (only its `createdAt` and `runId`
   * are used). The next page starts strictly after it, even if that run has since been deleted.
   */
  after?: Pick<Position, 'createdAt' | 'runId'>;
}

/** Refuses anything but a plain object whose keys are all in `allowed` (catches typos like `parentId`). */
export function checkOptions<T extends object>(
  opts: unknown,
  allowed: readonly (keyof T & string)[],
  what: string,
): T {
  if (opts === undefined) return {} as T;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw invalidArgument(`${what} must be an object, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (!(allowed as readonly string[]).includes(key)) {
      throw invalidArgument(
        `${what} has an unknown field "${key}"; allowed: ${allowed.join(', ') || 'none'}`,
      );
    }
  }
  return opts as T;
}

/** Checks a tag list and returns it without duplicates (first occurrence kept, order preserved). */
export function checkTags(tags: unknown, what = 'tags'): string[] {
  if (!Array.isArray(tags))
    throw invalidArgument(`${what} must be an array of strings, got ${describe(tags)}`);
  const out = new Set<string>();
  tags.forEach((tag: unknown, i) => {
    validateKeyString(tag, `${what}[${i}]`);
    out.add(tag);
  });
  return [...out];
}

/** Checks `createRun` options (all of them, before anything is read or written). */
export function checkCreateOptions(
  opts: unknown,
  allowRunId: boolean,
): CreateRunOptions & { tags: string[]; metadata: Value } {
  const allowed: (keyof CreateRunOptions)[] = ['name', 'parentRunId', 'tags', 'metadata'];
  if (allowRunId) allowed.push('runId');
  const o = checkOptions<CreateRunOptions>(opts, allowed, 'createRun options');
  if (o.runId !== undefined) validateRunId(o.runId);
  if (o.name !== undefined) validateKeyString(o.name, 'name');
  if (o.parentRunId !== undefined) validateRunId(o.parentRunId);
  const tags = o.tags === undefined ? [] : checkTags(o.tags);
  const metadata = o.metadata === undefined ? {} : checkMetadata(o.metadata);
  return { ...o, tags, metadata };
}

/** Checks a metadata value (INVALID_VALUE naming the offending path). */
/**
 * Checks a whole run record handed to `restoreRun`: the stored shape, a valid run id, tags and
 * metadata as `createRun` would accept them, and optional fields of the right types.
 */
export function checkRunRecord(record: unknown): RunMetadata {
  if (record === null || typeof record !== 'object')
    throw invalidArgument('restoreRun needs a run record object');
  const runId = (record as { runId?: unknown }).runId;
  validateRunId(runId);
  const run = fromRecord(runId, record as Value, 'INVALID_ARGUMENT');
  checkTags(run.tags);
  checkMetadata(run.metadata);
  for (const field of ['name', 'parentRunId', 'error'] as const) {
    const v = (record as Record<string, unknown>)[field];
    if (v !== undefined && typeof v !== 'string') throw invalidArgument(`record.${field} must be a string`);
  }
  if (run.parentRunId !== undefined) validateRunId(run.parentRunId);
  for (const t of [run.createdAt, run.updatedAt, run.completedAt]) {
    if (t !== undefined && (!Number.isSafeInteger(t) || t < 0))
      throw invalidArgument('record timestamps must be integer ms');
  }
  return run;
}

export function checkMetadata(metadata: unknown): Value {
  validateValue(metadata, { name: 'metadata' });
  return metadata as Value;
}

/** Checks an error message for a failed run. */
export function checkError(error: unknown): string {
  if (typeof error !== 'string') throw invalidArgument(`error must be a string, got ${describe(error)}`);
  return error;
}

/** Checks `updateStatus` arguments. */
export function checkStatusUpdate(status: unknown, opts: unknown): { status: RunStatus; error?: string } {
  assertRunStatus(status);
  const o = checkOptions<UpdateStatusOptions>(opts, ['error'], 'updateStatus options');
  if (o.error === undefined) return { status };
  if (status !== 'failed')
    throw invalidArgument(`an error can only be recorded with status failed, not ${status}`);
  return { status, error: checkError(o.error) };
}

/** Checks `deleteRun` options. */
export function checkDeleteOptions(opts: unknown): { recursive: boolean } {
  const o = checkOptions<DeleteRunOptions>(opts, ['recursive'], 'deleteRun options');
  if (o.recursive !== undefined && typeof o.recursive !== 'boolean') {
    throw invalidArgument(`recursive must be a boolean, got ${describe(o.recursive)}`);
  }
  return { recursive: o.recursive === true };
}

function checkTime(t: unknown, what: string): number {
  if (!Number.isSafeInteger(t))
    throw invalidArgument(`${what} must be integer milliseconds, got ${describe(t)}`);
  return t as number;
}

/** Checks a `queryRuns` filter. */
export function checkQuery(q: unknown): RunQuery {
  const o = checkOptions<RunQuery>(
    q,
    ['status', 'tag', 'parentRunId', 'createdAfter', 'createdBefore', 'limit', 'after'],
    'queryRuns query',
  );
  if (o.status !== undefined) assertRunStatus(o.status, 'query status');
  if (o.tag !== undefined) validateKeyString(o.tag, 'query tag');
  if (o.parentRunId !== undefined) validateRunId(o.parentRunId);
  if (o.createdAfter !== undefined) checkTime(o.createdAfter, 'createdAfter');
  if (o.createdBefore !== undefined) checkTime(o.createdBefore, 'createdBefore');
  if (o.limit !== undefined && (!Number.isSafeInteger(o.limit) || o.limit < 1)) {
    throw invalidArgument(`limit must be a positive integer, got ${describe(o.limit)}`);
  }
  if (o.after !== undefined) {
    const a = o.after as unknown as { createdAt?: unknown; runId?: unknown } | null;
    if (a === null || typeof a !== 'object') {
      throw invalidArgument(
        `after must be the last run of the previous page ({ createdAt, runId }), got ${describe(a)}`,
      );
    }
    checkTime(a.createdAt, 'after.createdAt');
    validateRunId(a.runId);
  }
  return o;
}
