import {
  AgentDBError,
  compareKeys,
  decodeKey,
  describe,
  type EncodedKey,
  Key,
  type KeyRange,
  keySuccessor,
  TypeTag,
  tagRange,
  textPrefixRange,
} from '@agentdb/core';
import type { CheckedList } from './arguments.js';

/*
 * Key layout: one key per entry, `Key.kv(runId, key)` — the tuple `(key)` under `TypeTag.KV` — holding
 * the value itself (the engine keeps its expiry). A run's entries are one contiguous range in UTF-8
 * byte order of their keys, so a prefix is a sub-range and a page is one bounded scan.
 */

/** The stored key of entry `key` in `runId` (validates both: INVALID_ARGUMENT). */
export function entryKey(runId: string, key: string): EncodedKey {
  return Key.kv(runId, key);
}

/**
 * The key range one page of a listing scans, or `undefined` when `after` lies past every key the
 * listing can return.
 */
export function pageRange(runId: string, list: CheckedList): KeyRange | undefined {
  const { prefix, after } = list;
  const base =
    prefix !== undefined && prefix !== ''
      ? textPrefixRange(runId, TypeTag.KV, [], prefix)
      : tagRange(runId, TypeTag.KV);
  let start = base.start;
  if (after !== undefined) {
    // The least key above `after`: the page starts there, or at the prefix if that is later.
    const resume = keySuccessor(Key.kv(runId, after));
    if (compareKeys(resume, start) > 0) start = resume;
  }
  return compareKeys(start, base.end) < 0 ? { start, end: base.end } : undefined;
}

/** The user key of a stored KV key; `CORRUPTION` for a key under the KV tag that `entryKey` never makes. */
export function keyName(key: EncodedKey): string {
  const { parts } = decodeKey(key);
  const name = parts[0];
  if (parts.length !== 1 || typeof name !== 'string') {
    // Only Key.kv keys belong under the KV tag; anything else was written around this package.
    throw new AgentDBError(
      'CORRUPTION',
      `a key under the KV tag is not a KV key (parts: ${describe(parts)})`,
    );
  }
  return name;
}
