import {
  compareKeys,
  describe,
  invalidArgument,
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

function checkOptionNames(opts: unknown, what: string, allowed: readonly string[]): object | undefined {
  if (opts === undefined) return undefined;
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw invalidArgument(`${what} options must be an object, got ${describe(opts)}`);
  }
  // A misspelt option (`{ prefx: 'a' }`) would otherwise silently widen a listing or drop a TTL.
  for (const name of Object.keys(opts)) {
    if (!allowed.includes(name)) {
      throw invalidArgument(
        `unknown ${what} option ${JSON.stringify(name)}; the options are ${allowed.join(', ')}`,
      );
    }
  }
  return opts;
}

/**
 * Checks the shape of `put` options. `ttlMs` itself is checked by the engine's `tx.put` (one rule for
 * every primitive): a positive finite number, else `INVALID_ARGUMENT`.
 */
export function checkPutOptions(opts: unknown): PutOptions | undefined {
  return checkOptionNames(opts, 'put', ['ttlMs']) as PutOptions | undefined;
}

/**
 * Validates list options and turns them into the key range of one page. Every check happens here,
 * before anything is read.
 */
export function pageScan(runId: string, opts: unknown): PageScan {
  const o = (checkOptionNames(opts, 'list', ['prefix', 'limit', 'after']) ?? {}) as Record<string, unknown>;
  const { prefix, limit, after } = o;
  if (limit !== undefined && (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1)) {
    throw invalidArgument(`limit must be a positive integer, got ${describe(limit)}`);
  }
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
