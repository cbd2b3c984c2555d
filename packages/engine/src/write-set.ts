import { checkOptions, checkPositiveNumber, encodeValueWith } from '@agentdb/core';
import type { PutOptions } from './contract.js';
import { checkKey, keyId } from './key-bytes.js';
import { packEntry } from './stored-entry.js';
import type { PendingWrite, TxContext } from './tx-state.js';

/** What checking a put needs from its engine: the TTL time and the value limits. */
export type PutContext = Pick<TxContext, 'ttlNow' | 'encodeOptions'>;

/**
 * A transaction's buffered writes: building them from user input (every check before anything is
 * buffered), shared by `tx.put`/`tx.delete` and the puts and deletes of commit-time mutations.
 */

const PUT_OPTIONS: Record<keyof PutOptions, true> = { ttlMs: true };
const PUT_OPTION_NAMES = Object.keys(PUT_OPTIONS) as (keyof PutOptions)[];

/**
 * Validates put options (known names only, read once) and returns the absolute expiry. Shared by
 * `put` and commit-time `put`.
 */
export function expiryOf(opts: PutOptions | undefined, ttlNow: () => number): number | undefined {
  if (opts === undefined) return undefined;
  const { ttlMs } = checkOptions(opts, PUT_OPTION_NAMES, 'put');
  if (ttlMs === undefined) return undefined;
  return ttlNow() + Math.ceil(checkPositiveNumber(ttlMs, 'ttlMs'));
}

/**
 * Builds a pending write from user input; every check happens here, before anything is buffered. The
 * value is read once by `encodeValue` (checked and encoded from one plain copy), so what is buffered is
 * exactly what was checked.
 */
export function pendingPut(
  key: unknown,
  value: unknown,
  opts: PutOptions | undefined,
  ctx: PutContext,
): PendingWrite {
  const k = checkKey(key);
  return encodedPut(k, value, expiryOf(opts, ctx.ttlNow), ctx);
}

/**
 * A pending write of `value` at a checked key with a resolved expiry (the value is checked here). `id`
 * is `keyId(k)`, when the caller has it.
 */
export function encodedPut(
  k: Buffer,
  value: unknown,
  expiresAt: number | undefined,
  ctx: PutContext,
  id = keyId(k),
): PendingWrite {
  const stored = encodeValueWith(value, ctx.encodeOptions, packEntry, expiresAt);
  return expiresAt === undefined
    ? { id, key: k, stored, version: 0 }
    : { id, key: k, stored, expiresAt, version: 0 };
}

/** A buffered delete of a checked key. */
export function pendingDelete(key: Buffer): PendingWrite {
  return { id: keyId(key), key, stored: null, version: 0 };
}
