import {
  AgentDBError,
  checkId,
  checkOptions,
  describe,
  invalidArgument,
  isValueObject,
  snapshotValue,
  type Value,
  validateKeyString,
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

/**
 * Throws `INVALID_ARGUMENT` unless `id` is a valid trace id: 1–64 characters of `[A-Za-z0-9_-]`
 * (the run id alphabet, so ids are URL- and file-name safe and never need escaping).
 *
 * @example
 * validateTraceId('step-1', 'trace id'); // ok
 */
export function validateTraceId(id: unknown, what: string): asserts id is string {
  checkId(id, what);
}

/** Checks a tag list and returns it without duplicates, in first-occurrence order. */
export function validateTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalidArgument(`tags must be an array of strings, got ${describe(tags)}`);
  if (tags.length > MAX_TAGS)
    throw invalidArgument(`tags has ${tags.length} entries; the limit is ${MAX_TAGS}`);
  const seen = new Set<string>();
  for (let i = 0; i < tags.length; i++) {
    if (!(i in tags)) throw invalidArgument(`tags[${i}] must be a string, got undefined`);
    const tag: unknown = tags[i]; // read once: the tag checked is the tag indexed
    validateKeyString(tag, `tags[${i}]`);
    seen.add(tag);
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

const RECORD_OPTIONS = ['id', 'parentId', 'tags', 'metadata'] as const;
const RECORD_CHILD_OPTIONS = ['id', 'tags', 'metadata'] as const;

/**
 * Validates `record` options, read once (a plain copy): unknown names are refused with the closest
 * known one suggested, so a typo like `tag:` is never ignored; `metadata` is snapshotted, so the
 * metadata stored is the metadata checked.
 */
export function checkRecordOptions(opts: unknown, allowParent: boolean): CheckedRecord {
  const o = checkOptions(opts, allowParent ? RECORD_OPTIONS : RECORD_CHILD_OPTIONS, 'record');
  const parentId = 'parentId' in o ? o.parentId : undefined;
  return {
    id: o.id === undefined ? undefined : checkId(o.id, 'trace id'),
    parentId: parentId === undefined ? undefined : checkId(parentId, 'parent id'),
    tags: o.tags === undefined ? [] : validateTags(o.tags),
    metadata: o.metadata === undefined ? {} : snapshotValue(o.metadata, { name: 'metadata' }),
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
