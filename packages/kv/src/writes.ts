import type { Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import { entryKey } from './layout.js';
import type { PutOptions } from './types.js';

/*
 * Every write of the KV store, written once against a transaction, with its options already checked
 * (arguments.ts). The facade runs each in a transaction of its own; the view in the caller's.
 */

/**
 * Buffers `value` at `key` (replacing any previous value and expiry). `tx.put` validates the value
 * (INVALID_VALUE naming the path) and `ttlMs` before it buffers anything. A blind write: it reads
 * nothing, so it never conflicts.
 */
export function putValue(
  tx: EngineTransaction,
  runId: string,
  key: string,
  value: Value,
  opts: PutOptions | undefined,
): void {
  tx.put(entryKey(runId, key), value, opts);
}

/**
 * Buffers the delete of `key` if a live entry is there; true if one was. The read makes a concurrent
 * write of the same key a conflict, so the answer is never stale.
 */
export async function deleteEntry(tx: EngineTransaction, runId: string, key: string): Promise<boolean> {
  const k = entryKey(runId, key);
  const existed = (await tx.getEntry(k)) !== undefined;
  if (existed) tx.delete(k);
  return existed;
}
