import {
  checkOptions,
  checkPositiveInt,
  compareKeys,
  Key,
  type KeyRange,
  keySuccessor,
  TypeTag,
  tagRange,
  textPrefixRange,
  validateKeyString,
} from '@agentdb/core';

/** Options of `put`. */
export interface PutOptions {
  /** Time to live in milliseconds (> 0, finite). The entry reads as absent from that moment on. */
  ttlMs?: number;
}

/** Options of `list` and `listWithValues`. */
export interface ListOptions {
  /** Only keys starting with this text (`''` means every key). */
  prefix?: string;
  /** At most this many keys (a positive integer). Default: all. */
  limit?: number;
  /** Resume strictly after this key: pass the last key of the previous page. */
  after?: string;
}

/** One page of a listing, as the store will scan it. */
export interface PageScan {
  /** The key range to scan, or `undefined` when `after` lies past every key the listing can return. */
  range: KeyRange | undefined;
  limit: number | undefined;
}

/**
 * Checks the shape of `put` options. `ttlMs` itself is checked by the engine's `tx.put` (one rule for
 * every primitive): a positive finite number, else `INVALID_ARGUMENT`.
 */
export function checkPutOptions(opts: unknown): PutOptions | undefined {
  return opts === undefined ? undefined : (checkOptions(opts, ['ttlMs'], 'put') as PutOptions);
}

/**
 * Validates list options and turns them into the key range of one page. Every check happens here,
 * before anything is read.
 */
export function pageScan(runId: string, opts: unknown): PageScan {
  // Read once (a plain copy), so the prefix and cursor checked are the ones scanned.
  const { prefix, limit, after } = checkOptions(opts, ['prefix', 'limit', 'after'], 'list');
  if (limit !== undefined) checkPositiveInt(limit, 'limit');
  // '' is a prefix of every key, so it lists the whole run; any other prefix must be a valid key text.
  if (prefix !== undefined && prefix !== '') validateKeyString(prefix, 'prefix');
  if (after !== undefined) validateKeyString(after, 'after');
  const base =
    typeof prefix === 'string' && prefix !== ''
      ? textPrefixRange(runId, TypeTag.KV, [], prefix)
      : tagRange(runId, TypeTag.KV);
  let start = base.start;
  if (typeof after === 'string') {
    // The least key above `after`: the page starts there, or at the prefix if that is later.
    const resume = keySuccessor(Key.kv(runId, after));
    if (compareKeys(resume, start) > 0) start = resume;
  }
  const range = compareKeys(start, base.end) < 0 ? { start, end: base.end } : undefined;
  return { range, limit: limit as number | undefined };
}
