import {
  AgentDBError,
  describe,
  invalidArgument,
  isValueObject,
  type Value,
  validateKeyString,
  validateValue,
} from '@agentdb/core';
import type { TraceType } from './trace-type.js';

/** One recorded step. Stored exactly in this shape (no `parentId` field on a root). */
export interface Trace {
  id: string;
  parentId?: string;
  traceType: TraceType;
  /** Integer ms since the epoch, from the database clock at `record`. */
  timestamp: number;
  tags: string[];
  metadata: Value;
}

/** A trace with its descendants, children in (timestamp, id) order. */
export interface TraceTree {
  trace: Trace;
  children: TraceTree[];
}

/** Options of `record`. */
export interface RecordOptions {
  /** Your own id (`[A-Za-z0-9_-]{1,64}`); default a fresh `newId()`. `ALREADY_EXISTS` if taken. */
  id?: string;
  /** The parent trace, which must exist in the same run (`NOT_FOUND` otherwise). */
  parentId?: string;
  /** Index tags: 1–512 UTF-8 bytes each, at most 256, duplicates dropped (first occurrence kept). */
  tags?: string[];
  /** Anything storable; default `{}`. */
  metadata?: Value;
}

/** Options of `recordChild`: those of `record` minus `parentId`, which is its own argument. */
export type RecordChildOptions = Omit<RecordOptions, 'parentId'>;

/** Most tags one trace may carry: each is an index entry written with the trace. */
export const MAX_TAGS = 256;

const TRACE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Throws `INVALID_ARGUMENT` unless `id` is a valid trace id: 1–64 characters of `[A-Za-z0-9_-]`
 * (the run id alphabet, so ids are URL- and file-name safe and never need escaping).
 *
 * @example
 * validateTraceId('step-1', 'trace id'); // ok
 */
export function validateTraceId(id: unknown, what: string): asserts id is string {
  if (typeof id !== 'string' || !TRACE_ID.test(id)) {
    throw invalidArgument(
      `${what} ${describe(id)} is invalid: use 1–64 characters from A–Z, a–z, 0–9, "_" and "-"`,
    );
  }
}

/** Checks a tag list and returns it without duplicates, in first-occurrence order. */
export function validateTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalidArgument(`tags must be an array of strings, got ${describe(tags)}`);
  if (tags.length > MAX_TAGS)
    throw invalidArgument(`tags has ${tags.length} entries; the limit is ${MAX_TAGS}`);
  const seen = new Set<string>();
  for (let i = 0; i < tags.length; i++) {
    if (!(i in tags)) throw invalidArgument(`tags[${i}] must be a string, got undefined`);
    validateKeyString(tags[i], `tags[${i}]`);
    seen.add(tags[i]);
  }
  return [...seen];
}

/** What `record` stores, validated; every check happens before anything is written. */
export interface CheckedRecord {
  id: string | undefined;
  parentId: string | undefined;
  tags: string[];
  metadata: Value;
}

const RECORD_OPTIONS = new Set(['id', 'parentId', 'tags', 'metadata']);

/** Validates `record` options (unknown keys are refused so a typo like `tag:` is never ignored). */
export function checkRecordOptions(opts: unknown, allowParent: boolean): CheckedRecord {
  if (opts === undefined) return { id: undefined, parentId: undefined, tags: [], metadata: {} };
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw invalidArgument(`record options must be an object, got ${describe(opts)}`);
  }
  const o = opts as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!RECORD_OPTIONS.has(key) || (key === 'parentId' && !allowParent)) {
      const expected = allowParent
        ? 'id, parentId, tags, metadata'
        : 'id, tags, metadata (the parent is an argument)';
      throw invalidArgument(`unknown record option "${key}" (expected ${expected})`);
    }
  }
  if (o.id !== undefined) validateTraceId(o.id, 'trace id');
  if (o.parentId !== undefined) validateTraceId(o.parentId, 'parent id');
  const tags = o.tags === undefined ? [] : validateTags(o.tags);
  const metadata = o.metadata === undefined ? {} : o.metadata;
  validateValue(metadata, { name: 'metadata' });
  return {
    id: o.id as string | undefined,
    parentId: o.parentId as string | undefined,
    tags,
    metadata: metadata as Value,
  };
}

function corrupt(why: string): AgentDBError {
  return new AgentDBError('CORRUPTION', `a stored trace is malformed: ${why}`);
}

/** Checks the shape of a stored trace record; anything else is `CORRUPTION`, never a wrong answer. */
export function decodeTrace(v: Value, expectedId: string): Trace {
  if (!isValueObject(v)) throw corrupt(`expected an object for trace ${expectedId}`);
  const t = v as Record<string, Value>;
  if (t.id !== expectedId) throw corrupt(`record for ${expectedId} holds id ${describe(t.id)}`);
  if (typeof t.timestamp !== 'number') throw corrupt(`trace ${expectedId} has no timestamp`);
  if (!Array.isArray(t.tags)) throw corrupt(`trace ${expectedId} has no tags`);
  const tt = t.traceType;
  if (tt === null || typeof tt !== 'object' || typeof (tt as Record<string, Value>).type !== 'string') {
    throw corrupt(`trace ${expectedId} has no traceType`);
  }
  if (t.parentId !== undefined && typeof t.parentId !== 'string')
    throw corrupt(`trace ${expectedId} has a bad parentId`);
  return v as unknown as Trace;
}
