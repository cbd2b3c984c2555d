import {
  AgentDBError,
  compareKeys,
  describe,
  type EncodedKey,
  isValueObject,
  Key,
  type KeyPart,
  type KeyRange,
  keySuccessor,
  TypeTag,
  tagRange,
  type Value,
} from '@agentdb/core';
import type { Trace, TraceType } from './types.js';

/**
 * The trace store's key layout, all under `Key.trace(runId, …)`. Every index is an exact tuple ending
 * in `(timestamp, id)`, so each one lists its traces in (timestamp, id) order and tag `a` never matches
 * tag `a__b`:
 *
 * | key                                       | value                   |
 * |-------------------------------------------|-------------------------|
 * | `('t', id)`                               | the `Trace`             |
 * | `('type', typeName, timestamp, id)`       | id                      |
 * | `('tag', tag, timestamp, id)` per tag     | id                      |
 * | `('time', timestamp, id)`                 | id                      |
 * | `('child', parentId, timestamp, id)`      | id (traces with parent) |
 * | `('root', timestamp, id)`                 | id (traces without)     |
 * | `('count')`                               | number of traces        |
 *
 * All of a trace's keys are written in one transaction with its record.
 */
export const RECORD = 't';
export const BY_TYPE = 'type';
export const BY_TAG = 'tag';
export const BY_TIME = 'time';
export const BY_PARENT = 'child';
export const ROOTS = 'root';
export const COUNT = 'count';

/** The key of trace `id`'s record. */
export function recordKey(runId: string, id: string): EncodedKey {
  return Key.trace(runId, RECORD, id);
}

/** The key of the run's trace counter. */
export function countKey(runId: string): EncodedKey {
  return Key.trace(runId, COUNT);
}

/** An index: its tuple prefix inside the run's trace keys (e.g. `['tag', 'urgent']`). */
export type IndexPrefix = readonly KeyPart[];

/** The entry of `(timestamp, id)` in the index `prefix`. */
export function indexKey(runId: string, prefix: IndexPrefix, timestamp: number, id: string): EncodedKey {
  return Key.trace(runId, ...prefix, timestamp, id);
}

/** Every entry of the index `prefix`. */
export function indexRange(runId: string, prefix: IndexPrefix): KeyRange {
  return tagRange(runId, TypeTag.Trace, ...prefix);
}

/**
 * The name a trace is indexed under by type: `t.type`, except `custom` → `t.name`.
 *
 * @example
 * typeName({ type: 'thought', content: 'hm' });            // 'thought'
 * typeName({ type: 'custom', name: 'plan', data: null });  // 'plan'
 */
export function typeName(t: TraceType): string {
  return t.type === 'custom' ? t.name : t.type;
}

/** Every index entry a trace implies: type, time, parent or root, and one per tag. */
export function indexKeysOf(runId: string, trace: Trace): EncodedKey[] {
  const { id, timestamp, parentId } = trace;
  return [
    indexKey(runId, [BY_TYPE, typeName(trace.traceType)], timestamp, id),
    indexKey(runId, [BY_TIME], timestamp, id),
    parentId === undefined
      ? indexKey(runId, [ROOTS], timestamp, id)
      : indexKey(runId, [BY_PARENT, parentId], timestamp, id),
    ...trace.tags.map((tag) => indexKey(runId, [BY_TAG, tag], timestamp, id)),
  ];
}

/**
 * The trace id an index entry points at. Index entries hold the id as their value: the engine decodes
 * values anyway, while decoding the key tuple (3–5 µs each) was the top cost of large queries.
 */
export function indexedId(value: Value): string {
  if (typeof value !== 'string')
    throw new AgentDBError('CORRUPTION', 'a trace index entry does not hold a trace id');
  return value;
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

/** A position in (timestamp, id) order: where a page resumes. */
export interface Position {
  timestamp: number;
  id: string;
}

// `${timestamp}.${id}`: ids never contain '.', so the split is unambiguous. Callers treat it as opaque.
const CURSOR = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/;

/**
 * The cursor of a trace: pass it as `after` to continue a listing right after this trace. It encodes
 * only the trace's (timestamp, id), so it resumes any listing (they all share that order).
 *
 * @example
 * const first = await traces.list(run, { limit: 100 });
 * const next = await traces.list(run, { limit: 100, after: cursorOf(first.at(-1)!) });
 */
export function cursorOf(trace: Pick<Trace, 'timestamp' | 'id'>): string {
  return `${trace.timestamp}.${trace.id}`;
}

/** The position a cursor names, or `undefined` for anything `cursorOf` does not make. */
export function parseCursor(cursor: unknown): Position | undefined {
  const m = typeof cursor === 'string' ? CURSOR.exec(cursor) : null;
  const timestamp = m === null ? Number.NaN : Number(m[1]);
  return m === null || !Number.isSafeInteger(timestamp) ? undefined : { timestamp, id: m[2]! };
}

/** Narrows an index range to what comes after `after`. */
export function afterPosition(
  range: KeyRange,
  runId: string,
  prefix: IndexPrefix,
  after: Position | undefined,
): KeyRange {
  if (after === undefined) return range;
  const resume = keySuccessor(indexKey(runId, prefix, after.timestamp, after.id));
  return compareKeys(resume, range.start) > 0 ? { start: resume, end: range.end } : range;
}
