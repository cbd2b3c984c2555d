import {
  type Clock,
  checkBoolean,
  checkFunction,
  checkInt,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  DEFAULT_MAX_VALUE_BYTES,
  invalidArgument,
  systemClock,
} from '@agentdb/core';

/** When a commit's promise resolves, and what a crash can lose. */
export type Durability = 'strict' | 'buffered' | 'memory';

/** How much of the commit log to keep. */
export type WalRetention = 'all' | { commits: number } | { ms: number };

/** Options of `Database.open`. */
export interface DatabaseOptions {
  /** Database directory (created if missing). Without it the database is temporary (`memory`). */
  path?: string;
  /** Default `strict` with a path, `memory` without. `memory` with a path is refused. */
  durability?: Durability;
  /** Milliseconds since the epoch; default `Date.now`. Drives TTL and every timestamp. */
  clock?: Clock;
  /** `buffered` mode: the longest a commit may stay unflushed. Default 100. */
  flushIntervalMs?: number;
  /** Commit-log retention. Default `'all'`. */
  walRetention?: WalRetention;
  /** Largest encoded value accepted, in bytes. Default 16 MiB. */
  maxValueBytes?: number;
  /** How often the background TTL sweeper runs; `0` turns it off. Default 1000. */
  sweepIntervalMs?: number;
  /** Most expired entries one sweep commit deletes. Default 1000. */
  sweepBatchSize?: number;
  /** Default conflict attempts of `transaction`. Default 10. */
  retries?: number;
  /** Open without write access (safe beside a live writer); every write is refused. */
  readOnly?: boolean;
  /**
   * How long a `db.scan` iteration may pause between two steps before its snapshot is released (its
   * next step then fails with `TIMEOUT`); `0` never releases it. Default 60,000.
   */
  scanIdleTimeoutMs?: number;
  /**
   * Commit a transaction that is alone in its batch on the calling thread (lmdb-js `transactionSync`),
   * which makes a caller that awaits each commit about 1.4× faster. While such a commit waits for
   * LMDB's writer lock it blocks the event loop: turn this off when another process writing to the
   * same directory may be stopped (a debugger, SIGSTOP) in the middle of a commit. Default `true`.
   */
  inlineCommits?: boolean;
}

/** Options after defaults, as the engine uses them. */
export interface ResolvedOptions {
  path: string | undefined;
  durability: Durability;
  clock: Clock;
  flushIntervalMs: number;
  walRetention: WalRetention;
  maxValueBytes: number;
  sweepIntervalMs: number;
  sweepBatchSize: number;
  retries: number;
  readOnly: boolean;
  scanIdleTimeoutMs: number;
  inlineCommits: boolean;
}

/**
 * Every option of `Database.open`, as a record over `keyof DatabaseOptions`: adding an option to the
 * interface without listing it here is a type error, so the list of known names cannot drift.
 */
const OPEN_OPTIONS: Record<keyof DatabaseOptions, true> = {
  path: true,
  durability: true,
  clock: true,
  flushIntervalMs: true,
  walRetention: true,
  maxValueBytes: true,
  sweepIntervalMs: true,
  sweepBatchSize: true,
  retries: true,
  readOnly: true,
  scanIdleTimeoutMs: true,
  inlineCommits: true,
};
const OPEN_OPTION_NAMES = Object.keys(OPEN_OPTIONS) as (keyof DatabaseOptions)[];

function checkRetention(v: unknown): WalRetention {
  if (v === undefined || v === 'all') return 'all';
  if (v === null || typeof v !== 'object') {
    throw invalidArgument("walRetention must be 'all', { commits: n } or { ms: n }");
  }
  const r = checkOptions(v, ['commits', 'ms'], 'walRetention');
  if (r.commits !== undefined && r.ms === undefined) {
    return { commits: checkPositiveInt(r.commits, 'walRetention.commits') };
  }
  if (r.ms !== undefined && r.commits === undefined) return { ms: checkPositiveInt(r.ms, 'walRetention.ms') };
  throw invalidArgument("walRetention must be 'all', { commits: n } or { ms: n }");
}

/**
 * Validates `Database.open` options and fills in defaults. Throws `INVALID_ARGUMENT`, also for an
 * option name it does not know (with the closest known one suggested). Reads each option once.
 */
export function resolveOptions(opts: DatabaseOptions | undefined): ResolvedOptions {
  const o = checkOptions(opts, OPEN_OPTION_NAMES, 'Database.open');
  if (o.path !== undefined && (typeof o.path !== 'string' || o.path.length === 0)) {
    throw invalidArgument('path must be a non-empty string');
  }
  const path = o.path as string | undefined;
  const durability = checkOneOf(
    o.durability ?? (path === undefined ? 'memory' : 'strict'),
    ['strict', 'buffered', 'memory'],
    'durability',
  );
  if (durability === 'memory' && path !== undefined) {
    throw invalidArgument(
      "durability 'memory' uses a temporary directory and removes it on close: omit path",
    );
  }
  if (durability !== 'memory' && path === undefined) {
    throw invalidArgument(`durability '${durability}' needs a path`);
  }
  const int = (name: keyof DatabaseOptions, fallback: number, min: number) =>
    checkInt(o[name] ?? fallback, name, min);
  return {
    path,
    durability,
    clock: o.clock === undefined ? systemClock : checkFunction<Clock>(o.clock, 'clock', '() => number'),
    flushIntervalMs: int('flushIntervalMs', 100, 1),
    walRetention: checkRetention(o.walRetention),
    maxValueBytes: int('maxValueBytes', DEFAULT_MAX_VALUE_BYTES, 1),
    sweepIntervalMs: int('sweepIntervalMs', 1000, 0),
    sweepBatchSize: int('sweepBatchSize', 1000, 1),
    retries: int('retries', 10, 1),
    readOnly: o.readOnly === undefined ? false : checkBoolean(o.readOnly, 'readOnly'),
    scanIdleTimeoutMs: int('scanIdleTimeoutMs', 60_000, 0),
    inlineCommits: o.inlineCommits === undefined ? true : checkBoolean(o.inlineCommits, 'inlineCommits'),
  };
}
