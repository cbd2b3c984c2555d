import {
  AgentDBError,
  decodeKey,
  describe,
  type EncodedKey,
  invalidArgument,
  Key,
  type Value,
  validateKeyString,
  validateRunId,
} from '@agentdb/core';
import type { ReadSource } from '@agentdb/engine';
import { pageScan } from './options.js';

/**
 * What the KV reads need: the database (snapshot reads, no transaction) or a transaction (its snapshot
 * plus its own writes, tracked for conflict checks). Every read is written once, against this.
 */
export type KVSource = ReadSource;

/** One listed entry. */
export interface KVEntry {
  key: string;
  value: Value;
}

export function readValue(src: KVSource, runId: string, key: string): Promise<Value | undefined> {
  return src.get(Key.kv(runId, key));
}

export async function readExists(src: KVSource, runId: string, key: string): Promise<boolean> {
  return (await src.getEntry(Key.kv(runId, key))) !== undefined;
}

export function readMany(
  src: KVSource,
  runId: string,
  keys: readonly string[],
): Promise<(Value | undefined)[]> {
  validateRunId(runId); // also when `keys` is empty
  if (!Array.isArray(keys)) throw invalidArgument(`getMany needs an array of keys, got ${describe(keys)}`);
  // Validate every key before reading any, naming the offending position.
  const encoded = keys.map((key: unknown, i) => {
    validateKeyString(key, `keys[${i}]`);
    return Key.kv(runId, key);
  });
  return src.getMany(encoded);
}

/** The user key of a stored KV key. */
function keyName(key: EncodedKey): string {
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

/** One page of entries in key order; reads O(page), whatever the size of the run. */
export async function readPage(src: KVSource, runId: string, opts: unknown): Promise<KVEntry[]> {
  const { range, limit } = pageScan(runId, opts);
  const out: KVEntry[] = [];
  if (range === undefined) return out;
  for await (const e of src.scan(range, limit === undefined ? undefined : { limit })) {
    out.push({ key: keyName(e.key), value: e.value });
  }
  return out;
}
