import {
  AgentDBError,
  type EncodedKey,
  Key,
  type KeyPart,
  type KeyRange,
  TypeTag,
  tagRange,
  type Value,
} from '@agentdb/core';

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
 * The trace id an index entry points at. Index entries hold the id as their value: the engine decodes
 * values anyway, while decoding the key tuple (3–5 µs each) was the top cost of large queries.
 */
export function indexedId(value: Value): string {
  if (typeof value !== 'string')
    throw new AgentDBError('CORRUPTION', 'a trace index entry does not hold a trace id');
  return value;
}
