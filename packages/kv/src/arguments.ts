import { checkOptions, checkPositiveInt, describe, invalidArgument, validateKeyString } from '@agentdb/core';
import type { PutOptions } from './types.js';

/*
 * Argument checks of the KV store, through the kit of @agentdb/core: each reads its input once (a plain
 * copy) and throws INVALID_ARGUMENT before anything is read or written. Keys and run ids are checked by
 * the key builders (layout.ts); values and `ttlMs` by the engine's `tx.put`, one rule for every
 * primitive.
 */

/**
 * Checks the shape of `put` options: a plain object with known names only. `ttlMs` itself is checked
 * by `tx.put` (a positive finite number, else `INVALID_ARGUMENT`).
 *
 * @example
 * checkPutOptions({ ttlMs: 60_000 }); // { ttlMs: 60000 }
 */
export function checkPutOptions(opts: unknown): PutOptions | undefined {
  return opts === undefined ? undefined : (checkOptions(opts, ['ttlMs'], 'put') as PutOptions);
}

/** `list` options after checking. */
export interface CheckedList {
  prefix: string | undefined;
  limit: number | undefined;
  after: string | undefined;
}

/**
 * Checks `list` options, read once: the prefix and cursor checked are the ones scanned.
 *
 * @example
 * checkListOptions({ prefix: 'user:', limit: 100 });
 */
export function checkListOptions(opts: unknown): CheckedList {
  const { prefix, limit, after } = checkOptions(opts, ['prefix', 'limit', 'after'], 'list');
  if (limit !== undefined) checkPositiveInt(limit, 'limit');
  // '' is a prefix of every key, so it lists the whole run; any other prefix must be a valid key text.
  if (prefix !== undefined && prefix !== '') validateKeyString(prefix, 'prefix');
  if (after !== undefined) validateKeyString(after, 'after');
  return {
    prefix: prefix as string | undefined,
    limit: limit as number | undefined,
    after: after as string | undefined,
  };
}

/**
 * Checks the key list of `getMany`: an array whose every entry is a valid key (the message names the
 * position of a bad one).
 *
 * @example
 * checkKeyList(['plan', 'goal']);
 */
export function checkKeyList(keys: unknown): string[] {
  if (!Array.isArray(keys)) throw invalidArgument(`getMany needs an array of keys, got ${describe(keys)}`);
  return keys.map((key: unknown, i) => {
    validateKeyString(key, `keys[${i}]`);
    return key;
  });
}
