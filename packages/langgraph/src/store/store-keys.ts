import { Key, type KeyRange, tagRange, textPrefixRange, validateKeyString } from '@agentdb/primitives';
import { LANGGRAPH_TAG } from '../type-tag.js';

/**
 * Store items live under `(store run, LANGGRAPH_TAG, 'item', namespace, key)`, where `namespace` is
 * the labels joined by `.` — LangGraph forbids `.` in labels, so the join is reversible, and a
 * namespace's items are one contiguous range, its descendants (`a.…`) another.
 */
const ITEM = 'item';
const SEPARATOR = '.';

/** The stored form of a namespace. @example joinNamespace(['users', 'u1']) // 'users.u1' */
export function joinNamespace(namespace: readonly string[]): string {
  return namespace.join(SEPARATOR);
}

/** The labels of a stored namespace. */
export function splitNamespace(joined: string): string[] {
  return joined.split(SEPARATOR);
}

/** Checks that a namespace and key fit AgentDB's key limits (512 bytes each, no U+0000–U+0004). */
export function checkItemAddress(namespace: readonly string[], key: string | undefined, what: string): void {
  if (namespace.length > 0)
    validateKeyString(joinNamespace(namespace), `${what}: namespace (joined with ".")`);
  if (key !== undefined) validateKeyString(key, `${what}: key`);
}

/** The key of one item. */
export function itemKey(runId: string, namespace: readonly string[], key: string): Uint8Array {
  return Key.of(LANGGRAPH_TAG, runId, ITEM, joinNamespace(namespace), key);
}

/**
 * The ranges holding the items under `prefix`, in key order: the namespace itself, then its
 * descendants; every item for an empty prefix.
 */
export function itemRanges(runId: string, prefix: readonly string[]): KeyRange[] {
  if (prefix.length === 0) return [tagRange(runId, LANGGRAPH_TAG, ITEM)];
  const joined = joinNamespace(prefix);
  return [
    tagRange(runId, LANGGRAPH_TAG, ITEM, joined),
    textPrefixRange(runId, LANGGRAPH_TAG, [ITEM], joined + SEPARATOR),
  ];
}

/** Every item of the store. */
export function allItemsRange(runId: string): KeyRange {
  return tagRange(runId, LANGGRAPH_TAG, ITEM);
}

/** The items of exactly one (joined) namespace: skipping past it lists namespaces in O(namespaces). */
export function namespaceRange(runId: string, joined: string): KeyRange {
  return tagRange(runId, LANGGRAPH_TAG, ITEM, joined);
}
