import type { Value } from '@agentdb/core';

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

/** One listed entry. */
export interface KVEntry {
  key: string;
  value: Value;
}
