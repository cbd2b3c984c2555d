import { type Clock, DEFAULT_MAX_VALUE_BYTES, invalidArgument, systemClock } from '@agentdb/core';

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
}

function positiveInt(name: string, v: unknown, allowZero = false): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < (allowZero ? 0 : 1)) {
    throw invalidArgument(
      `${name} must be a ${allowZero ? 'non-negative' : 'positive'} integer, got ${String(v)}`,
    );
  }
  return v;
}

/** Validates `Database.open` options and fills in defaults. Throws `INVALID_ARGUMENT`. */
export function resolveOptions(opts: DatabaseOptions | undefined): ResolvedOptions {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) {
    throw invalidArgument('Database.open options must be an object');
  }
  const o = opts ?? {};
  if (o.path !== undefined && (typeof o.path !== 'string' || o.path.length === 0)) {
    throw invalidArgument('path must be a non-empty string');
  }
  const durability = o.durability ?? (o.path === undefined ? 'memory' : 'strict');
  if (!['strict', 'buffered', 'memory'].includes(durability)) {
    throw invalidArgument(`durability must be 'strict', 'buffered' or 'memory', got ${String(durability)}`);
  }
  if (durability === 'memory' && o.path !== undefined) {
    throw invalidArgument(
      "durability 'memory' uses a temporary directory and removes it on close: omit path",
    );
  }
  if (durability !== 'memory' && o.path === undefined) {
    throw invalidArgument(`durability '${durability}' needs a path`);
  }
  if (o.clock !== undefined && typeof o.clock !== 'function')
    throw invalidArgument('clock must be a function');
  const retention = o.walRetention ?? 'all';
  if (retention !== 'all') {
    if (typeof retention !== 'object' || retention === null) {
      throw invalidArgument("walRetention must be 'all', { commits: n } or { ms: n }");
    }
    if ('commits' in retention) positiveInt('walRetention.commits', retention.commits);
    else if ('ms' in retention) positiveInt('walRetention.ms', retention.ms);
    else throw invalidArgument("walRetention must be 'all', { commits: n } or { ms: n }");
  }
  return {
    path: o.path,
    durability,
    clock: o.clock ?? systemClock,
    flushIntervalMs: positiveInt('flushIntervalMs', o.flushIntervalMs ?? 100),
    walRetention: retention,
    maxValueBytes: positiveInt('maxValueBytes', o.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES),
    sweepIntervalMs: positiveInt('sweepIntervalMs', o.sweepIntervalMs ?? 1000, true),
    sweepBatchSize: positiveInt('sweepBatchSize', o.sweepBatchSize ?? 1000),
    retries: positiveInt('retries', o.retries ?? 10),
    readOnly: o.readOnly === true,
    scanIdleTimeoutMs: positiveInt('scanIdleTimeoutMs', o.scanIdleTimeoutMs ?? 60_000, true),
  };
}
