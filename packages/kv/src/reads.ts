import { type Value, validateRunId } from '@agentdb/core';
import type { ReadSource } from '@agentdb/engine';
import { checkKeyList, checkListOptions } from './arguments.js';
import { entryKey, keyName, pageRange } from './layout.js';
import type { KVEntry } from './types.js';

/*
 * Every read of the KV store, written once against a `ReadSource`: the engine (the facade's snapshot
 * reads, no transaction) or a transaction (the view: its snapshot plus its own writes, tracked for the
 * conflict check at commit).
 */

/** The value at `key`, or `undefined` if it is missing or expired. */
export function readValue(src: ReadSource, runId: string, key: string): Promise<Value | undefined> {
  return src.get(entryKey(runId, key));
}

/** True if `key` holds a live entry (a stored `null` counts). */
export async function readExists(src: ReadSource, runId: string, key: string): Promise<boolean> {
  return (await src.getEntry(entryKey(runId, key))) !== undefined;
}

/** The values at `keys`, in order, from one snapshot; every key is checked before any is read. */
export function readMany(src: ReadSource, runId: string, keys: unknown): Promise<(Value | undefined)[]> {
  validateRunId(runId); // also when `keys` is empty
  return src.getMany(checkKeyList(keys).map((key) => entryKey(runId, key)));
}

/** One page of entries in key order; reads O(page), whatever the size of the run. */
export async function readPage(src: ReadSource, runId: string, opts: unknown): Promise<KVEntry[]> {
  const list = checkListOptions(opts);
  const range = pageRange(runId, list);
  const out: KVEntry[] = [];
  if (range === undefined) return out;
  const { limit } = list;
  for await (const e of src.scan(range, limit === undefined ? undefined : { limit })) {
    out.push({ key: keyName(e.key), value: e.value });
  }
  return out;
}
