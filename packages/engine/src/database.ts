import {
  AgentDBError,
  type Clock,
  type EncodedKey,
  invalidArgument,
  type KeyRange,
  MAX_STORED_DEPTH,
  type Value,
} from '@agentdb/core';
import { ChangeFeed } from './change-feed.js';
import { BatchClaims, type ClaimTicket } from './claims.js';
import type { CommitRecord } from './commit-log.js';
import { CommitQueue } from './commit-queue.js';
import {
  type ChangesOptions,
  CONTRACT_VERSION,
  ENGINE,
  type Engine,
  type Entry,
  type ScanEntry,
  type ScanOptions,
  type TransactionOptions,
} from './contract.js';
import type { DatabaseStats } from './database-stats.js';
import { checkKey } from './key-bytes.js';
import { Lifecycle } from './lifecycle.js';
import { OpenScans, type ScanHold } from './open-scans.js';
import { type DatabaseOptions, type Durability, type ResolvedOptions, resolveOptions } from './options.js';
import { checkScan, liveEntry, scanView } from './scan.js';
import type { Snapshot } from './snapshot.js';
import { Storage } from './storage.js';
import { STORAGE_ACCESS } from './storage-access.js';
import { Sweeper } from './sweeper.js';
import type { Transaction } from './transaction.js';
import { type RunnerCounters, TransactionRunner } from './transaction-runner.js';
import { TtlClock } from './ttl-clock.js';
import type { TxContext } from './tx-state.js';
import { verifyStorage } from './verify.js';

/**
 * An AgentDB database: one LMDB environment in one directory, shared by every primitive. The engine
 * of the contract (contract.ts) that runs embedded; its parts: storage.ts (LMDB), the transaction
 * runner and commit queue (transactions and group commit), change-feed.ts, sweeper.ts (TTL),
 * open-scans.ts and lifecycle.ts (what close() drains).
 *
 * @example
 * const db = await Database.open({ path: './agent-data' });
 * await db.transaction(async (tx) => {
 *   const n = Number((await tx.get(key)) ?? 0);
 *   tx.put(key, n + 1);
 * });
 * await db.close();
 */
export class Database implements Engine {
  readonly #opts: ResolvedOptions;
  readonly #storage: Storage;
  readonly #lifecycle = new Lifecycle();
  readonly #snapshots = new Set<Snapshot>();
  readonly #scans: OpenScans;
  readonly #ttl: TtlClock;
  readonly #feed: ChangeFeed;
  readonly #queue: CommitQueue;
  readonly #runner: TransactionRunner;
  readonly #sweeper: Sweeper;
  readonly #counters: RunnerCounters & { commits: number } = {
    commits: 0,
    conflicts: 0,
    retries: 0,
    claimWaits: 0,
    aborts: 0,
  };
  #closed: Promise<void> | undefined;

  private constructor(opts: ResolvedOptions, storage: Storage) {
    this.#opts = opts;
    this.#storage = storage;
    this.#ttl = new TtlClock(opts.clock, storage.lastCommitTime());
    this.#scans = new OpenScans(opts.scanIdleTimeoutMs);
    this.#feed = new ChangeFeed(storage, this.#lifecycle);
    const ctx: TxContext = {
      snapshot: () => this.#snapshot(),
      clock: opts.clock,
      ttlNow: () => this.#ttl.now(),
      encodeOptions: { maxBytes: opts.maxValueBytes, maxDepth: MAX_STORED_DEPTH },
      assertWritable: () => {
        if (opts.readOnly)
          throw invalidArgument('this database was opened with readOnly: true; writes are refused');
      },
    };
    this.#queue = new CommitQueue(storage, ctx, opts, (count) => {
      this.#counters.commits += count;
      this.#feed.notify();
    });
    this.#runner = new TransactionRunner(
      ctx,
      this.#queue,
      (ticket) => this.#releaseClaims(ticket),
      this.#counters,
      opts.retries,
    );
    this.#sweeper = new Sweeper(storage, opts, this.#ttl, this.#lifecycle, () => this.#feed.notify());
  }

  /**
   * Opens (creating if needed) a database. Without `path` it is temporary (`memory` durability) and
   * removed on close.
   *
   * @example
   * const db = await Database.open({ path: './data', durability: 'strict' });
   * const scratch = await Database.open(); // memory mode
   */
  static async open(opts?: DatabaseOptions): Promise<Database> {
    const resolved = resolveOptions(opts);
    return new Database(resolved, await Storage.open(resolved));
  }

  /** @internal The storage under `db`, for the fault-injection helpers of testing.ts. */
  static [STORAGE_ACCESS](db: Database): Storage {
    return db.#storage;
  }

  /** Brand of the engine contract (contract.ts): what `isEngine` checks. */
  get [ENGINE](): typeof CONTRACT_VERSION {
    return CONTRACT_VERSION;
  }

  /** Where the data lives: the database directory. @example console.log(db.location) */
  get location(): string {
    return this.#storage.path;
  }

  /** The directory holding the database (a temporary one in memory mode). @example db.path */
  get path(): string {
    return this.#storage.path;
  }

  /** The durability mode in force. @example db.durability // 'strict' */
  get durability(): Durability {
    return this.#opts.durability;
  }

  /** Largest encoded value this database accepts. @example if (bytes.length > db.maxValueBytes) throw new Error('too big') */
  get maxValueBytes(): number {
    return this.#opts.maxValueBytes;
  }

  /** The clock the database uses for TTL and timestamps. @example const now = db.clock() */
  get clock(): Clock {
    return this.#opts.clock;
  }

  #snapshot(): Snapshot {
    let snap: Snapshot;
    try {
      snap = this.#storage.snapshot();
    } catch (error) {
      snap = this.#scans.afterReadersFull(error, () => this.#storage.snapshot());
    }
    this.#snapshots.add(snap);
    return {
      get: (key) => snap.get(key),
      range: (start, end, reverse) => snap.range(start, end, reverse),
      release: (reason) => {
        this.#snapshots.delete(snap);
        snap.release(reason);
      },
    };
  }

  async #releaseClaims(ticket: ClaimTicket): Promise<void> {
    try {
      await this.#storage.write((scope) => new BatchClaims(scope).release(ticket));
    } catch {
      // Claims expire after CLAIM_TTL_MS; failing to remove them early only delays other writers.
    }
  }

  /**
   * Runs `fn` in an optimistic, serializable transaction and commits it. On a conflict `fn` is re-run
   * on a fresh snapshot (jittered exponential backoff; retries of one key queue in-process), up to
   * `retries` attempts, then `CONFLICT`. Errors thrown by `fn` abort it and propagate unchanged. `fn`
   * may run more than once: keep side effects inside `tx`. Past `timeoutMs` it ends with `TIMEOUT`,
   * even if `fn` never settles.
   *
   * @example
   * const next = await db.transaction(async (tx) => {
   *   const n = Number((await tx.get(counter)) ?? 0) + 1;
   *   tx.put(counter, n);
   *   return n;
   * });
   */
  transaction<T>(fn: (tx: Transaction) => T | Promise<T>, opts?: TransactionOptions): Promise<T> {
    try {
      this.#lifecycle.assertOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#lifecycle.track(this.#runner.run(fn, opts));
  }

  /**
   * The value at `key` now, or `undefined` (a snapshot read outside any transaction).
   *
   * @example
   * await db.get(Key.kv(run, 'plan'));
   */
  async get(key: EncodedKey): Promise<Value | undefined> {
    return this.#latest(key)?.value;
  }

  /**
   * The value at `key` with its version and expiry, or `undefined`.
   *
   * @example
   * const { value, version } = (await db.getEntry(Key.state(run, 'phase')))!;
   */
  async getEntry(key: EncodedKey): Promise<Entry | undefined> {
    return this.#latest(key);
  }

  /** The one read behind `get` and `getEntry` (synchronous: LMDB reads are memory-mapped). */
  #latest(key: EncodedKey): Entry | undefined {
    this.#lifecycle.assertOpen();
    const k = checkKey(key);
    const now = this.#ttl.now();
    try {
      return this.#storage.readLatestWith(k, liveEntry, now);
    } catch (error) {
      return this.#scans.afterReadersFull(error, () => this.#storage.readLatestWith(k, liveEntry, now));
    }
  }

  /**
   * Reads several keys from one consistent snapshot.
   *
   * @example
   * const [a, b] = await db.getMany([Key.kv(run, 'a'), Key.kv(run, 'b')]);
   */
  async getMany(keys: readonly EncodedKey[]): Promise<(Value | undefined)[]> {
    this.#lifecycle.assertOpen();
    if (!Array.isArray(keys)) throw invalidArgument('getMany needs an array of keys');
    const checked = keys.map(checkKey);
    const now = this.#ttl.now();
    const snap = this.#snapshot();
    try {
      return checked.map((k) => {
        const raw = snap.get(k);
        return raw === undefined ? undefined : liveEntry(raw.stored, raw.version, now)?.value;
      });
    } finally {
      snap.release();
    }
  }

  /**
   * Entries in `range` from one snapshot, outside any transaction.
   *
   * @example
   * for await (const { key, value } of db.scan(runRange(run), { limit: 100 })) console.log(key, value);
   */
  scan(range: KeyRange, opts?: ScanOptions): AsyncIterableIterator<ScanEntry> {
    const hold: { value?: ScanHold } = {};
    const iterator = this.#scanEntries(range, opts, hold);
    hold.value = this.#scans.watch(iterator);
    return iterator;
  }

  // The snapshot lives in `hold`, not in the generator alone, so that close(), the idle timeout and
  // the garbage collector can release it while the iteration is paused (open-scans.ts).
  async *#scanEntries(
    range: KeyRange,
    opts: ScanOptions | undefined,
    hold: { value?: ScanHold },
  ): AsyncIterableIterator<ScanEntry> {
    this.#lifecycle.assertOpen();
    const { range: r, limit, reverse, includeExpired } = checkScan(range, opts);
    const now = includeExpired ? Number.NEGATIVE_INFINITY : this.#ttl.now();
    const scan = hold.value!;
    this.#scans.started(scan, this.#snapshot());
    try {
      for (const e of scanView(scan.snapshot!, r, limit, reverse, now)) {
        yield e;
        scan.lastStep = performance.now();
      }
    } finally {
      this.#scans.end(scan);
    }
  }

  /**
   * The ordered history of commits, from the commit log. With `follow`, waits for new commits
   * (in this and other processes) until `signal` aborts or the database closes.
   *
   * @example
   * for await (const c of db.changes({ since: lastSeen, follow: true, signal })) console.log(c.version, c.runIds);
   */
  changes(opts?: ChangesOptions): AsyncIterableIterator<CommitRecord> {
    return this.#feed.changes(opts);
  }

  /**
   * Checks the data against the commit log: checksums, contiguous versions, and — with the full log —
   * that replaying it over an empty store reproduces the data exactly; with a trimmed log, that every
   * key the retained records touch holds its last logged write. Also checks the expiry index.
   *
   * @example
   * const { ok, problems } = await db.verify();
   */
  async verify(): Promise<{ ok: boolean; problems: string[] }> {
    this.#lifecycle.assertOpen();
    const problems = verifyStorage(this.#storage);
    return { ok: problems.length === 0, problems };
  }

  /**
   * Deletes expired entries now, in bounded batches (each an ordinary commit). Returns how many.
   *
   * @example
   * const removed = await db.sweepExpired();
   */
  sweepExpired(): Promise<number> {
    try {
      this.#lifecycle.assertOpen();
      if (this.#opts.readOnly)
        throw invalidArgument('this database was opened with readOnly: true; writes are refused');
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#sweeper.sweep();
  }

  /**
   * Counters and sizes for operators.
   *
   * @example
   * const { commits, conflicts, logLength, sizeBytes } = db.stats();
   */
  stats(): DatabaseStats {
    this.#lifecycle.assertOpen();
    const version = this.#storage.metaGet('version');
    const trimmed = this.#storage.metaGet('logTrimmedThrough');
    return {
      ...this.#counters,
      expiredSwept: this.#sweeper.swept,
      version,
      logLength: version - trimmed,
      logTrimmedThrough: trimmed,
      entries: this.#storage.dataCount(),
      sizeBytes: this.#storage.sizeBytes(),
      reads: this.#storage.reads,
      staleStarts: this.#storage.staleStarts,
      inlineCommits: this.#storage.inlineWrites,
      openSnapshots: this.#snapshots.size,
      durability: this.#opts.durability,
      path: this.#storage.path,
      location: this.#storage.path,
    };
  }

  /**
   * Closes the database, draining first: transactions and sweeps already running finish (they may
   * still read, scan and commit, on their own merits), and `close()` resolves after the last of them.
   * Every call made after it rejects with `CLOSED`, and so does the next step of a `db.scan` that is
   * still open (its snapshot is released at once); a following `changes` iteration ends. Idempotent.
   * A transaction whose function never settles keeps `close()` waiting: give it `timeoutMs`.
   *
   * @example
   * await db.close();
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#sweeper.stop();
      const drained = this.#lifecycle.drain();
      this.#feed.notify(); // wake followers so they see the close
      this.#scans.endAll(new AgentDBError('CLOSED', 'the database was closed during this scan'));
      await drained;
      await this.#queue.idle();
      // Nothing should be left; a snapshot still open here would outlive the environment.
      for (const snap of [...this.#snapshots])
        snap.release(new AgentDBError('CLOSED', 'the database was closed'));
      await this.#storage.close();
    })();
    return this.#closed;
  }
}
