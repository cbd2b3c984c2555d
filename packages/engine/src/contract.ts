import type { Clock, EncodedKey, KeyRange, Value } from '@agentdb/core';
import type { CommitRecord } from './commit-log.js';
import type { MutationHandle } from './mutation-handle.js';

/**
 * The engine contract: what the primitives, `AgentDB`, the CLI and the integrations rely on. The LMDB
 * `Database` of this package implements it, and so does `PostgresDatabase` of `@agentdb/postgres`;
 * `@agentdb/engine/contract` holds the test suite every engine passes unchanged.
 *
 * Engines are recognised by a brand (`isEngine`), not by `instanceof` on one class: any engine
 * passes, and so does an engine from a second copy of this package in the same install.
 */

/** A value with its entry version (the commit version that wrote it) and expiry. */
export interface Entry {
  value: Value;
  /** The commit version that wrote it; 0 for a write buffered in this transaction. */
  version: number;
  expiresAt?: number;
}

/** One result of a scan. */
export interface ScanEntry {
  key: EncodedKey;
  value: Value;
  version: number;
}

export interface ScanOptions {
  limit?: number;
  reverse?: boolean;
  /**
   * Also return entries whose TTL has passed but which the sweeper has not removed yet. For
   * maintenance that must see every stored key (deleting a whole run); normal reads leave it off.
   */
  includeExpired?: boolean;
}

export interface PutOptions {
  /** Time to live in milliseconds (> 0). Expired entries read as absent at once. */
  ttlMs?: number;
}

/** What a commit-time mutation function may do besides returning its key's new value. */
export interface MutationContext {
  /** Reads a key at commit time (latest committed, plus earlier writes of this commit). */
  get(key: EncodedKey): Value | undefined;
  /** Writes another key in the same commit. */
  put(key: EncodedKey, value: Value, opts?: PutOptions): void;
  /** Deletes another key in the same commit. */
  delete(key: EncodedKey): void;
}

/** A commit-time mutation: pure, synchronous, run on the latest committed value. */
export type MutationFn<R> = (
  current: Value | undefined,
  ctx: MutationContext,
) => { value: Value | undefined; result: R };

/**
 * The reads a database and a transaction have in common. A primitive writes each read once against a
 * `ReadSource`, passing the engine (snapshot reads, no transaction) from its facade and the transaction
 * (tracked reads plus its own writes) from its view.
 *
 * @example
 * async function readPlan(src: ReadSource, run: string) { return src.get(Key.kv(run, 'plan')); }
 * await readPlan(db, run);
 * await db.transaction((tx) => readPlan(tx, run));
 */
export interface ReadSource {
  /** The value at `key`, or `undefined`. */
  get(key: EncodedKey): Promise<Value | undefined>;
  /** The value at `key` with its version and expiry, or `undefined`. */
  getEntry(key: EncodedKey): Promise<Entry | undefined>;
  /** Several values from one consistent snapshot, in order. */
  getMany(keys: readonly EncodedKey[]): Promise<(Value | undefined)[]>;
  /** Entries in `range`, in key order (or reverse), from one consistent snapshot. */
  scan(range: KeyRange, opts?: ScanOptions): AsyncIterableIterator<ScanEntry>;
}

/**
 * An optimistic, serializable transaction: reads see one snapshot plus its own writes; writes are
 * buffered until commit; the commit checks that nothing read or scanned has changed since.
 */
export interface EngineTransaction extends ReadSource {
  /** Brand: what `isEngineTransaction` checks. */
  readonly [ENGINE_TRANSACTION]: typeof CONTRACT_VERSION;
  /** The run the primitive views bind to by default. */
  readonly runId: string | undefined;
  /** The engine's clock, for timestamps written in this transaction. */
  readonly clock: Clock;
  /** Buffers a write; it becomes visible to others when the transaction commits. */
  put(key: EncodedKey, value: Value, opts?: PutOptions): void;
  /** Buffers a delete. */
  delete(key: EncodedKey): void;
  /** Registers a commit-time mutation; its result is known after commit (await it then). */
  mutate<R>(key: EncodedKey, fn: MutationFn<R>): MutationHandle<R>;
  /**
   * The value `key` will have once this transaction's pending mutations of it have run, run on its
   * snapshot (plus its own writes); `get` when there are none. A tracked read.
   */
  getPending(key: EncodedKey): Promise<Value | undefined>;
}

/** Options of `engine.transaction`. */
export interface TransactionOptions {
  /** Attempts before `CONFLICT` (default: the engine's, 10). */
  retries?: number;
  /** Give up with `TIMEOUT` once this many ms have passed, even if `fn` never settles. */
  timeoutMs?: number;
  /** The run the primitive views bind to by default (`tx.runId`). */
  runId?: string;
}

/** Options of `engine.changes`. */
export interface ChangesOptions {
  /** Yield commits with a version above this. Default: from the oldest retained commit. */
  since?: number;
  /** Keep waiting for new commits (a live feed) until `signal` aborts or the engine closes. */
  follow?: boolean;
  signal?: AbortSignal;
}

/** Counters every engine reports; an engine may add its own. */
export interface EngineStats {
  /** Commits made by this process (read-only transactions are not commits). */
  commits: number;
  /** Conflicts detected at commit in this process. */
  conflicts: number;
  /** Transaction re-runs after a conflict. */
  retries: number;
  /** Transactions that ended in an error (user errors, CONFLICT, TIMEOUT …). */
  aborts: number;
  /** Expired entries deleted by sweeps in this process. */
  expiredSwept: number;
  /** The latest commit version (all processes). */
  version: number;
  /** Retained commit-log records. */
  logLength: number;
  /** Highest commit version trimmed from the log by retention (0: the log is complete). */
  logTrimmedThrough: number;
  /** Data entries stored (expired-but-unswept included). */
  entries: number;
  /** Bytes the data takes in storage. */
  sizeBytes: number;
  /** Entries read by this process, counting every entry a scan pulls (tests prove O(results) with it). */
  reads: number;
  /** Open snapshots (transactions and scans in progress). */
  openSnapshots: number;
  /** Where the data lives: a directory, or a server address without credentials. */
  location: string;
}

/** The verdict of `engine.verify()`. */
export interface Verification {
  ok: boolean;
  problems: string[];
}

/**
 * A database engine: transactions, reads, the change feed, verification, TTL sweeps, counters.
 *
 * @example
 * const engine: Engine = await Database.open({ path: './agent-data' });
 * await engine.transaction((tx) => tx.put(Key.kv('run-1', 'plan'), 'search first'));
 */
export interface Engine extends ReadSource {
  /** Brand: what `isEngine` checks. */
  readonly [ENGINE]: typeof CONTRACT_VERSION;
  /** Milliseconds since the epoch, for TTL and every timestamp. */
  readonly clock: Clock;
  /** Largest encoded value accepted, in bytes. */
  readonly maxValueBytes: number;
  /** Where the data lives: a directory, or a server address without credentials. */
  readonly location: string;
  /** Runs `fn` in a serializable transaction and commits it; re-runs it on conflict. */
  transaction<T>(fn: (tx: EngineTransaction) => T | Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** Committed changes in commit order; with `follow`, waits for new ones. */
  changes(opts?: ChangesOptions): AsyncIterableIterator<CommitRecord>;
  /** Checks the stored data against the commit log (what the engine can check). */
  verify(): Promise<Verification>;
  /** Deletes expired entries now; resolves to how many. */
  sweepExpired(): Promise<number>;
  /** Counters for operators. */
  stats(): EngineStats;
  /** Drains work in flight and closes; idempotent; later calls reject with `CLOSED`. */
  close(): Promise<void>;
}

/** The contract's version, carried by every engine's brand. */
export const CONTRACT_VERSION = 1;

/**
 * The brand property of engines and engine transactions. `Symbol.for`, so that two copies of this
 * package in one install agree on it.
 */
export const ENGINE: unique symbol = Symbol.for('@agentdb/engine:engine') as never;
export const ENGINE_TRANSACTION: unique symbol = Symbol.for('@agentdb/engine:transaction') as never;

/**
 * True when `value` is an engine implementing this contract (any engine, any copy of this package).
 *
 * @example
 * if (!isEngine(db)) throw new TypeError('not an AgentDB engine');
 */
export function isEngine(value: unknown): value is Engine {
  return (
    typeof value === 'object' && value !== null && (value as Partial<Engine>)[ENGINE] === CONTRACT_VERSION
  );
}

/**
 * True when `value` is a transaction an engine passed to a transaction function.
 *
 * @example
 * if (isEngineTransaction(tx)) await tx.get(key);
 */
export function isEngineTransaction(value: unknown): value is EngineTransaction {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { [ENGINE_TRANSACTION]?: unknown })[ENGINE_TRANSACTION] === CONTRACT_VERSION
  );
}
