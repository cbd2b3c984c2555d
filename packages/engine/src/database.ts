import { EventEmitter } from 'node:events';
import {
  AgentDBError,
  type Clock,
  checkBoolean,
  checkId,
  checkNonNegativeInt,
  checkOptions,
  checkPositiveInt,
  checkPositiveNumber,
  describe,
  type EncodedKey,
  invalidArgument,
  type KeyRange,
  MAX_STORED_DEPTH,
  type Value,
} from '@agentdb/core';
import { BatchClaims, CLAIM_AFTER, CLAIM_WAIT_MS, type ClaimTicket, newTicket } from './claims.js';
import { type CommitOutcome, sweepInScope } from './commit.js';
import { type CommitRecord, decodeLogEntry, toCommitRecord } from './commit-log.js';
import { CommitQueue } from './commit-queue.js';
import {
  type ChangesOptions,
  CONTRACT_VERSION,
  ENGINE,
  type Engine,
  type EngineStats,
  type Entry,
  type ScanEntry,
  type ScanOptions,
  type TransactionOptions,
} from './contract.js';
import { checkKey } from './key-bytes.js';
import { KeyLocks } from './key-locks.js';
import { OpenScans, type ScanHold } from './open-scans.js';
import { type DatabaseOptions, type Durability, type ResolvedOptions, resolveOptions } from './options.js';
import type { Snapshot } from './snapshot.js';
import { Storage } from './storage.js';
import { STORAGE_ACCESS } from './storage-access.js';
import { checkScan, liveEntry, scanView, Transaction, type TxContext, type TxState } from './transaction.js';
import { TtlClock } from './ttl-clock.js';
import { verifyStorage } from './verify.js';

// Known option names, as records over the interfaces' keys so that the lists cannot drift from them.
const TRANSACTION_OPTIONS: Record<keyof TransactionOptions, true> = {
  retries: true,
  timeoutMs: true,
  runId: true,
};
const TRANSACTION_OPTION_NAMES = Object.keys(TRANSACTION_OPTIONS) as (keyof TransactionOptions)[];
const CHANGES_OPTIONS: Record<keyof ChangesOptions, true> = { since: true, follow: true, signal: true };
const CHANGES_OPTION_NAMES = Object.keys(CHANGES_OPTIONS) as (keyof ChangesOptions)[];

/** The LMDB engine's counters: the contract's, and its own. */
export interface DatabaseStats extends EngineStats {
  /** Attempts that waited because another transaction's claim covered a key they write (claims.ts). */
  claimWaits: number;
  /**
   * Write transactions that LMDB started from an older state than the newest commit, because another
   * process opened the directory during a commit; each was repaired before writing and run again
   * (README, "Durability").
   */
  staleStarts: number;
  durability: Durability;
  /** The database directory (the same as `location`). */
  path: string;
}

const POLL_MS = 50;

/** One `db.transaction` call across its attempts. */
interface TxRun<T> {
  fn: (tx: Transaction) => T | Promise<T>;
  retries: number;
  deadline: number | undefined;
  runId: string | undefined;
  attempt: number;
  /** Releases the in-process key locks a retry holds. */
  release: (() => void) | undefined;
  ticket: ClaimTicket | undefined;
}

/** Releases the in-process key locks a transaction's retry holds, if any. */
function unlock(run: TxRun<unknown>): void {
  const release = run.release;
  run.release = undefined;
  release?.();
}

/** Ends a transaction object's life: no more use, its snapshot released (`reason` for any later call). */
function closeTransaction(state: TxState, tx: Transaction, reason?: AgentDBError): void {
  state.running = false;
  tx.release(reason);
}

function timeoutError(): AgentDBError {
  return new AgentDBError('TIMEOUT', 'the transaction ran past its timeoutMs; nothing was committed');
}

/**
 * An AgentDB database: one LMDB environment in one directory, shared by every primitive.
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
  readonly #locks = new KeyLocks();
  #inFlight = 0;
  #drained: (() => void) | undefined;
  readonly #snapshots = new Set<Snapshot>();
  readonly #scans: OpenScans;
  readonly #ttl: TtlClock;
  readonly #commits = new EventEmitter();
  readonly #ctx: TxContext;
  readonly #sweeper: NodeJS.Timeout | undefined;
  readonly #queue: CommitQueue;
  #closing: Promise<void> | undefined;
  #sweeping: Promise<number> | undefined;
  readonly #stats = { commits: 0, conflicts: 0, retries: 0, claimWaits: 0, aborts: 0, expiredSwept: 0 };
  readonly #defaultTxOptions: { retries: number; deadline: undefined; runId: undefined };

  private constructor(opts: ResolvedOptions, storage: Storage) {
    this.#opts = opts;
    this.#defaultTxOptions = { retries: opts.retries, deadline: undefined, runId: undefined };
    this.#storage = storage;
    this.#ttl = new TtlClock(opts.clock, storage.lastCommitTime());
    this.#scans = new OpenScans(opts.scanIdleTimeoutMs);
    this.#commits.setMaxListeners(0);
    this.#ctx = {
      snapshot: () => this.#snapshot(),
      clock: opts.clock,
      ttlNow: () => this.#ttl.now(),
      encodeOptions: { maxBytes: opts.maxValueBytes, maxDepth: MAX_STORED_DEPTH },
      assertWritable: () => {
        if (this.#opts.readOnly)
          throw invalidArgument('this database was opened with readOnly: true; writes are refused');
      },
    };
    this.#queue = new CommitQueue(storage, this.#ctx, opts, (count, lastVersion) => {
      this.#stats.commits += count;
      this.#commits.emit('commit', lastVersion);
    });
    if (opts.sweepIntervalMs > 0 && !opts.readOnly) {
      this.#sweeper = setInterval(() => {
        if (this.#closing === undefined) this.sweepExpired().catch(() => {});
      }, opts.sweepIntervalMs);
      this.#sweeper.unref();
    }
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

  /** Largest encoded value this database accepts. @example if (bytes.length > db.maxValueBytes) … */
  get maxValueBytes(): number {
    return this.#opts.maxValueBytes;
  }

  /** The clock the database uses for TTL and timestamps. @example const now = db.clock() */
  get clock(): Clock {
    return this.#opts.clock;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined)
      throw new AgentDBError('CLOSED', 'the database is closed; open it again to use it');
  }

  #snapshot(): Snapshot {
    const snap = this.#storage.snapshot();
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

  /** Counts an operation as in flight until it settles, so `close()` can wait for it. */
  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight++;
    const settled = () => {
      if (--this.#inFlight === 0) this.#drained?.();
    };
    p.then(settled, settled);
    return p;
  }

  /**
   * Runs `fn` in an optimistic, serializable transaction and commits it. On a conflict `fn` is re-run
   * on a fresh snapshot (jittered exponential backoff; retries of one key queue in-process), up to
   * `retries` attempts, then `CONFLICT`. Errors thrown by `fn` abort it and propagate unchanged. `fn`
   * may run more than once: keep side effects inside `tx`.
   *
   * @example
   * const next = await db.transaction(async (tx) => {
   *   const n = Number((await tx.get(counter)) ?? 0) + 1;
   *   tx.put(counter, n);
   *   return n;
   * });
   */
  transaction<T>(fn: (tx: Transaction) => T | Promise<T>, opts?: TransactionOptions): Promise<T> {
    let run: TxRun<T>;
    try {
      this.#assertOpen();
      if (typeof fn !== 'function') throw invalidArgument('transaction needs a function (tx) => …');
      const { retries, deadline, runId } = this.#txOptions(opts);
      run = { fn, retries, deadline, runId, attempt: 0, release: undefined, ticket: undefined };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#track(this.#attempt(run));
  }

  // A transaction's attempts as a promise chain rather than one async function: a synchronous `fn`
  // then costs no extra microtask turns, which measured ~0.3 µs of a ~12 µs commit. In order: run
  // `fn` (#attempt), close the transaction and submit its writes (#submit), act on the outcome
  // (#settle), and after a conflict wait for the next attempt's turn (#retryTurn). Every failure ends in
  // #abort and every success in #finish; both hand back locks and claims.
  #attempt<T>(run: TxRun<T>): Promise<T> {
    run.attempt++;
    if (run.attempt >= CLAIM_AFTER) run.ticket ??= newTicket();
    const state: TxState = {
      reads: undefined,
      scans: [],
      writes: new Map(),
      mutations: [],
      running: true,
      ended: undefined,
      ticket: run.ticket,
      outcome: undefined,
    };
    const tx = new Transaction(this.#ctx, state, run.runId);
    let returned: T | Promise<T>;
    try {
      returned = run.fn(tx);
    } catch (error) {
      closeTransaction(state, tx);
      return this.#abort(run, state, error);
    }
    if (!isPromiseLike(returned)) return this.#submit(run, state, tx, returned);
    const finished = Promise.resolve(returned).then(
      (result) =>
        state.ended === undefined ? this.#submit(run, state, tx, result) : Promise.reject(state.ended),
      (error: unknown) => {
        if (state.ended !== undefined) return Promise.reject(state.ended);
        closeTransaction(state, tx);
        return this.#abort(run, state, error);
      },
    );
    return run.deadline === undefined ? finished : this.#byDeadline(run, state, tx, finished);
  }

  /**
   * `finished`, unless the deadline passes while `fn` is still running: then the transaction ends at
   * once with `TIMEOUT` — snapshot, locks and claims released, mutation handles rejected, any later
   * call on `tx` throwing `TIMEOUT` — whether or not `fn` ever settles. Once `fn` has returned, the
   * commit decides (a commit in progress cannot be taken back).
   */
  #byDeadline<T>(run: TxRun<T>, state: TxState, tx: Transaction, finished: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          if (!state.running) return;
          const timeout = timeoutError();
          state.ended = timeout;
          closeTransaction(state, tx, timeout);
          this.#abort(run, state, timeout).then(resolve, reject);
        },
        Math.max(0, run.deadline! - performance.now()),
      );
      finished.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #submit<T>(run: TxRun<T>, state: TxState, tx: Transaction, result: T): Promise<T> {
    closeTransaction(state, tx);
    let commit: Promise<void> | 'read-only';
    try {
      this.#checkDeadline(run.deadline);
      commit = this.#commit(state);
    } catch (error) {
      return this.#abort(run, state, error);
    }
    if (commit === 'read-only') return Promise.resolve(this.#finish(run, result));
    return commit.then(
      () => this.#settle(run, state, result, state.outcome!),
      (error: unknown) => this.#abort(run, state, error),
    );
  }

  #settle<T>(run: TxRun<T>, state: TxState, result: T, outcome: CommitOutcome): T | Promise<T> {
    if (outcome.kind === 'committed') {
      for (let i = 0; i < state.mutations.length; i++) state.mutations[i]!.handle.settle(outcome.results[i]);
      return this.#finish(run, result);
    }
    if (outcome.kind === 'failed') return this.#abort(run, state, outcome.error);
    const conflict = new AgentDBError(
      'CONFLICT',
      `transaction lost ${run.attempt} optimistic commit(s) to concurrent writers; retry later or reduce contention on the same keys`,
      { attempts: run.attempt },
    );
    if (!outcome.claimed) {
      this.#stats.conflicts++;
      if (run.attempt >= run.retries) return this.#abort(run, state, conflict);
    }
    // This attempt is over; its mutation handles reject (the next attempt's `fn` makes new ones).
    for (const m of state.mutations) m.handle.fail(conflict);
    if (outcome.claimed) {
      // Refused by another transaction's claim: wait for it to commit, without using an attempt,
      // and let go of our in-process locks meanwhile (the claimant may be queued on them).
      this.#stats.claimWaits++;
      run.attempt--;
      unlock(run);
      return this.#next(run, this.#withDeadline(sleep(CLAIM_WAIT_MS * (1 + Math.random())), run.deadline));
    }
    this.#stats.retries++;
    return this.#next(run, this.#retryTurn(run, outcome.keys));
  }

  /** The next attempt once `turn` resolves; a failed wait (TIMEOUT) ends the transaction. */
  #next<T>(run: TxRun<T>, turn: Promise<void>): Promise<T> {
    return turn.then(
      () => this.#attempt(run),
      (error: unknown) => this.#abort(run, undefined, error),
    );
  }

  /** Waits for a retry's turn: the in-process locks on what it depended on, then backoff. */
  async #retryTurn<T>(run: TxRun<T>, keys: string[]): Promise<void> {
    // Queue behind other retries of the same keys (holding the union of what we depend on).
    unlock(run);
    run.release = await this.#withDeadline(this.#locks.acquire(keys), run.deadline, (r) => r());
    // The lock queue already orders in-process retries; back off only when we lost again while
    // holding it (to another process, or to a first attempt that never queued), and not once our
    // claim holds other writers off.
    const claimed = run.ticket !== undefined && run.ticket.keys.length > 0;
    if (run.attempt > 1 && !claimed) await this.#withDeadline(backoff(run.attempt), run.deadline);
  }

  #finish<T>(run: TxRun<T>, result: T): T | Promise<T> {
    if (run.release === undefined && run.ticket === undefined) return result;
    return this.#handBack(run).then(() => result);
  }

  /** Ends the transaction with `error`: its mutation handles reject with it, and so does the call. */
  #abort<T>(run: TxRun<T>, state: TxState | undefined, error: unknown): Promise<T> {
    this.#stats.aborts++;
    if (state !== undefined) for (const m of state.mutations) m.handle.fail(error);
    return this.#handBack(run).then(() => Promise.reject(error));
  }

  /** Releases the transaction's in-process locks and any claims it still holds. */
  async #handBack<T>(run: TxRun<T>): Promise<void> {
    unlock(run);
    // A transaction that ends while holding claims hands them back (they would expire anyway).
    if (run.ticket !== undefined && run.ticket.keys.length > 0) await this.#releaseClaims(run.ticket);
  }

  async #releaseClaims(ticket: ClaimTicket): Promise<void> {
    try {
      await this.#storage.write((scope) => new BatchClaims(scope).release(ticket));
    } catch {
      // Claims expire after CLAIM_TTL_MS; failing to remove them early only delays other writers.
    }
  }

  #txOptions(opts: TransactionOptions | undefined): {
    retries: number;
    deadline: number | undefined;
    runId: string | undefined;
  } {
    if (opts === undefined) return this.#defaultTxOptions;
    const o = checkOptions(opts, TRANSACTION_OPTION_NAMES, 'transaction');
    const retries = o.retries === undefined ? this.#opts.retries : checkPositiveInt(o.retries, 'retries');
    const timeoutMs = o.timeoutMs === undefined ? undefined : checkPositiveNumber(o.timeoutMs, 'timeoutMs');
    const runId = o.runId === undefined ? undefined : checkId(o.runId, 'run id');
    return { retries, deadline: timeoutMs === undefined ? undefined : performance.now() + timeoutMs, runId };
  }

  #checkDeadline(deadline: number | undefined): void {
    if (deadline !== undefined && performance.now() > deadline) throw timeoutError();
  }

  async #withDeadline<R>(p: Promise<R>, deadline: number | undefined, abandon?: (r: R) => void): Promise<R> {
    if (deadline === undefined) return p;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(timeoutError()), Math.max(0, deadline - performance.now()));
    });
    try {
      return await Promise.race([p, timeout]);
    } catch (error) {
      if (abandon !== undefined) p.then(abandon, () => {});
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  // No check that the database is open: close() lets a transaction that started before it commit.
  #commit(state: TxState): Promise<void> | 'read-only' {
    if (state.writes.size === 0 && state.mutations.length === 0) return 'read-only';
    return this.#queue.submit(state);
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
    this.#assertOpen();
    const raw = this.#storage.readLatest(checkKey(key));
    return raw === undefined ? undefined : liveEntry(raw.stored, raw.version, this.#ttl.now());
  }

  /**
   * Reads several keys from one consistent snapshot.
   *
   * @example
   * const [a, b] = await db.getMany([Key.kv(run, 'a'), Key.kv(run, 'b')]);
   */
  async getMany(keys: readonly EncodedKey[]): Promise<(Value | undefined)[]> {
    this.#assertOpen();
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
   * for await (const { key, value } of db.scan(runRange(run), { limit: 100 })) …
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
    this.#assertOpen();
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
  async *changes(opts: ChangesOptions = {}): AsyncIterableIterator<CommitRecord> {
    this.#assertOpen();
    const o = checkOptions(opts, CHANGES_OPTION_NAMES, 'changes');
    const since = o.since === undefined ? undefined : checkNonNegativeInt(o.since, 'since');
    const follow = o.follow === undefined ? false : checkBoolean(o.follow, 'follow');
    if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
      throw invalidArgument(`signal must be an AbortSignal, got ${describe(o.signal)}`);
    }
    const signal = o.signal as AbortSignal | undefined;
    const trimmed = this.#storage.metaGet('logTrimmedThrough');
    if (since !== undefined && since < trimmed) {
      throw new AgentDBError(
        'NOT_FOUND',
        `commits up to ${trimmed} were trimmed by walRetention; ask for since ≥ ${trimmed}`,
      );
    }
    let next = (since ?? trimmed) + 1;
    for (;;) {
      if (signal?.aborted || this.#closing !== undefined) return;
      const entries = this.#storage.logFrom(next, 64);
      for (const { first, entry } of entries) {
        for (const commit of decodeLogEntry(first, entry)) {
          if (commit.version < next) continue;
          yield toCommitRecord(commit);
          next = commit.version + 1;
        }
      }
      if (entries.length === 64) continue;
      if (!follow) return;
      await this.#nextCommit(signal);
    }
  }

  #nextCommit(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#commits.off('commit', done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      // Commits by other processes are not announced here, so poll as well.
      const timer = setTimeout(done, POLL_MS);
      this.#commits.on('commit', done);
      signal?.addEventListener('abort', done);
    });
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
    this.#assertOpen();
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
      this.#assertOpen();
      this.#ctx.assertWritable();
    } catch (error) {
      return Promise.reject(error);
    }
    this.#sweeping ??= this.#track(this.#sweep()).finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  async #sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.#ttl.now();
      const { deleted, more } = await this.#storage.write((scope) =>
        sweepInScope(scope, now, this.#opts.sweepBatchSize, this.#opts.walRetention),
      );
      if (deleted > 0 && this.#opts.durability === 'strict') await this.#storage.flushed();
      total += deleted;
      this.#stats.expiredSwept += deleted;
      if (deleted > 0) this.#commits.emit('commit', this.#storage.metaGet('version'));
      if (!more || this.#closing !== undefined) return total;
    }
  }

  /**
   * Counters and sizes for operators.
   *
   * @example
   * const { commits, conflicts, logLength, sizeBytes } = db.stats();
   */
  stats(): DatabaseStats {
    this.#assertOpen();
    return {
      ...this.#stats,
      version: this.#storage.metaGet('version'),
      logLength: this.#storage.metaGet('version') - this.#storage.metaGet('logTrimmedThrough'),
      logTrimmedThrough: this.#storage.metaGet('logTrimmedThrough'),
      entries: this.#storage.dataCount(),
      sizeBytes: this.#storage.sizeBytes(),
      reads: this.#storage.reads,
      staleStarts: this.#storage.staleStarts,
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
    this.#closing ??= (async () => {
      if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
      this.#commits.emit('commit', -1); // wake followers so they see the close
      this.#scans.endAll(new AgentDBError('CLOSED', 'the database was closed during this scan'));
      if (this.#inFlight > 0) {
        await new Promise<void>((resolve) => {
          this.#drained = resolve;
        });
      }
      await this.#queue.idle();
      // Nothing should be left; a snapshot still open here would outlive the environment.
      for (const snap of [...this.#snapshots])
        snap.release(new AgentDBError('CLOSED', 'the database was closed'));
      await this.#storage.close();
    })();
    return this.#closing;
  }
}

function isPromiseLike<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(100, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}
