import { EventEmitter } from 'node:events';
import {
  AgentDBError,
  type Clock,
  type EncodedKey,
  invalidArgument,
  type KeyRange,
  MAX_STORED_DEPTH,
  type Value,
} from '@agentdb/core';
import {
  type ChangesOptions,
  CONTRACT_VERSION,
  type CommitRecord,
  ENGINE,
  type Engine,
  type EngineStats,
  type EngineTransaction,
  type Entry,
  type ScanEntry,
  type ScanOptions,
  type TransactionOptions,
  type Verification,
} from '@agentdb/engine';
import { checkKey, checkScan, keyId, liveEntry, TtlClock } from '@agentdb/engine/kit';
import { changeFeed, checkChangesOptions, nextCommit } from './change-feed.js';
import { Committer } from './committer.js';
import { type Connection, connect } from './connect.js';
import { Notifier } from './notifier.js';
import { type PostgresOptions, type ResolvedPostgresOptions, resolvePostgresOptions } from './options.js';
import { openError, storageError } from './pg-errors.js';
import { PgSnapshot, type RawRow } from './pg-snapshot.js';
import { queryRows } from './pools.js';
import { ScanHolds } from './scan-holds.js';
import { ServerStats } from './server-stats.js';
import { TransactionRunner } from './transaction-runner.js';
import type { TxContext } from './tx-state.js';
import { verifyTables } from './verify.js';

/**
 * AgentDB's engine on PostgreSQL: the engine contract of `@agentdb/engine` — serializable optimistic
 * transactions, commit-time mutations, a total-order change feed, TTL — over tables in one schema,
 * shared by any number of processes on any number of hosts.
 *
 * @example
 * const engine = await PostgresDatabase.open({ connectionString: 'postgres://agent@db:5432/agents' });
 * const db = new AgentDB(engine);
 * await db.kv.put('run-1', 'plan', ['search', 'answer']);
 * await db.close();
 */
export class PostgresDatabase implements Engine {
  readonly #opts: ResolvedPostgresOptions;
  readonly #conn: Connection;
  readonly #ttl: TtlClock;
  readonly #ctx: TxContext;
  readonly #committer: Committer;
  readonly #runner: TransactionRunner;
  readonly #notifier: Notifier | undefined;
  readonly #scans = new ScanHolds();
  readonly #events = new EventEmitter();
  readonly #server: ServerStats;
  readonly #sweeper: NodeJS.Timeout | undefined;
  readonly #counts = { commits: 0, expiredSwept: 0, reads: 0, openSnapshots: 0 };
  #inFlight = new Set<Promise<unknown>>();
  #sweeping: Promise<number> | undefined;
  #closing: Promise<void> | undefined;

  private constructor(opts: ResolvedPostgresOptions, conn: Connection) {
    this.#opts = opts;
    this.#conn = conn;
    this.#events.setMaxListeners(0);
    this.#ttl = new TtlClock(opts.clock, conn.last.committedAt);
    this.#server = new ServerStats(conn.direct, conn.sql, conn.last.version);
    const ttlNow = () => this.#ttl.now();
    const encodeOptions = { maxBytes: opts.maxValueBytes, maxDepth: MAX_STORED_DEPTH };
    this.#ctx = {
      snapshot: () =>
        new PgSnapshot({
          pool: conn.readers,
          sql: conn.sql,
          counted: (n) => {
            this.#counts.reads += n;
          },
          held: (delta) => {
            this.#counts.openSnapshots += delta;
          },
        }),
      clock: opts.clock,
      ttlNow,
      encodeOptions,
    };
    const announce = (version: number) => {
      this.#server.saw(version);
      this.#events.emit('commit');
    };
    this.#committer = new Committer({
      pool: conn.direct,
      sql: conn.sql,
      begin: conn.begin,
      putCtx: { ttlNow, encodeOptions },
      ttlNow,
      reconnectTimeoutMs: opts.reconnectTimeoutMs,
      channel: () => conn.channel,
      onCommitted: (count, last) => {
        this.#counts.commits += count;
        announce(last);
      },
    });
    this.#runner = new TransactionRunner(this.#ctx, this.#committer, opts.retries);
    if (conn.channel !== undefined)
      this.#notifier = new Notifier(opts.connectionString, conn.channel, opts.connectTimeoutMs, announce);
    if (opts.sweepIntervalMs > 0) {
      this.#sweeper = setInterval(() => {
        if (this.#closing === undefined) this.sweepExpired().catch(() => {});
      }, opts.sweepIntervalMs);
      this.#sweeper.unref();
    }
  }

  /**
   * Connects, and creates or migrates AgentDB's tables in `schema` (default `agentdb`). A bad option
   * or connection string is `INVALID_ARGUMENT` before any connection; a server that cannot be
   * reached, a missing database or refused credentials are `STORAGE`, saying which.
   *
   * @example
   * const engine = await PostgresDatabase.open({ connectionString: process.env.DATABASE_URL!, schema: 'agents' });
   */
  static async open(opts: PostgresOptions): Promise<PostgresDatabase> {
    const resolved = resolvePostgresOptions(opts);
    const db = new PostgresDatabase(resolved, await connect(resolved));
    try {
      await db.#server.refresh();
    } catch (error) {
      await db.close();
      throw openError(error, resolved.location);
    }
    return db;
  }

  /** Brand of the engine contract: what `isEngine` checks. */
  get [ENGINE](): typeof CONTRACT_VERSION {
    return CONTRACT_VERSION;
  }

  /** The server, database and schema, without credentials. @example console.log(engine.location) */
  get location(): string {
    return this.#opts.location;
  }

  /** The schema holding the tables. @example engine.schema // 'agentdb' */
  get schema(): string {
    return this.#opts.schema;
  }

  /** Largest encoded value accepted. @example if (bytes.length > engine.maxValueBytes) throw new Error('too big') */
  get maxValueBytes(): number {
    return this.#opts.maxValueBytes;
  }

  /** The clock for TTL and timestamps. @example const now = engine.clock() */
  get clock(): Clock {
    return this.#opts.clock;
  }

  #assertOpen(): void {
    if (this.#closing !== undefined)
      throw new AgentDBError('CLOSED', 'the database is closed; open it again to use it');
  }

  /** Counts an operation as in flight until it settles, so `close()` can wait for it. */
  #track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight.add(p);
    const settled = () => this.#inFlight.delete(p);
    p.then(settled, settled);
    return p;
  }

  /**
   * Runs `fn` in an optimistic, serializable transaction and commits it; re-runs it on conflict (up
   * to `retries` attempts, then `CONFLICT`). `fn` may run more than once: keep side effects inside `tx`.
   *
   * @example
   * await engine.transaction(async (tx) => {
   *   const n = Number((await tx.get(counter)) ?? 0);
   *   tx.put(counter, n + 1);
   * });
   */
  transaction<T>(fn: (tx: EngineTransaction) => T | Promise<T>, opts?: TransactionOptions): Promise<T> {
    try {
      this.#assertOpen();
      return this.#track(this.#runner.run(this.#runner.check<T>(fn, opts)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The value at `key` now, or `undefined`. @example await engine.get(Key.kv(run, 'plan')) */
  async get(key: EncodedKey): Promise<Value | undefined> {
    return (await this.getEntry(key))?.value;
  }

  /** The value at `key` with its version and expiry, or `undefined`. @example await engine.getEntry(key) */
  async getEntry(key: EncodedKey): Promise<Entry | undefined> {
    this.#assertOpen();
    const rows = await this.#rows(this.#conn.sql.getOne, [checkKey(key)]);
    const row = rows[0];
    return row === undefined ? undefined : liveEntry(row.entry, row.version, this.#ttl.now());
  }

  /** Several values read in one statement (one snapshot). @example const [a, b] = await engine.getMany([ka, kb]) */
  async getMany(keys: readonly EncodedKey[]): Promise<(Value | undefined)[]> {
    this.#assertOpen();
    if (!Array.isArray(keys)) throw invalidArgument('getMany needs an array of keys');
    const checked = keys.map(checkKey);
    const found = new Map<string, RawRow>();
    for (const row of await this.#rows(this.#conn.sql.getMany, [checked])) found.set(keyId(row.key), row);
    const now = this.#ttl.now();
    return checked.map((k) => {
      const row = found.get(keyId(k));
      return row === undefined ? undefined : liveEntry(row.entry, row.version, now)?.value;
    });
  }

  async #rows(text: string, values: unknown[]): Promise<RawRow[]> {
    const rows = await queryRows<RawRow>(this.#conn.direct, text, values, 'reading');
    this.#counts.reads += rows.length;
    return rows;
  }

  /**
   * Entries in `range` from one snapshot, outside any transaction (it pins a connection until the
   * iteration ends).
   *
   * @example
   * for await (const { key, value } of engine.scan(runRange(run), { limit: 100 })) console.log(key, value);
   */
  scan(range: KeyRange, opts?: ScanOptions): AsyncIterableIterator<ScanEntry> {
    const snapshot = this.#ctx.snapshot();
    const hold: { end?: () => void } = {};
    const iterator = this.#scanEntries(range, opts, snapshot, hold);
    hold.end = this.#scans.hold(iterator, snapshot);
    return iterator;
  }

  async *#scanEntries(
    range: KeyRange,
    opts: ScanOptions | undefined,
    snapshot: PgSnapshot,
    hold: { end?: () => void },
  ): AsyncIterableIterator<ScanEntry> {
    try {
      this.#assertOpen();
      const { range: r, limit, reverse, includeExpired } = checkScan(range, opts);
      const start = Buffer.from(r.start);
      const end = Buffer.from(r.end);
      if (Buffer.compare(start, end) >= 0) return;
      const now = includeExpired ? Number.NEGATIVE_INFINITY : this.#ttl.now();
      let count = 0;
      for await (const row of snapshot.range(start, end, reverse, Number.isFinite(limit) ? limit : 100)) {
        this.#assertOpen(); // rows of a page already fetched are not served after close()
        const live = liveEntry(row.entry, row.version, now);
        if (live === undefined) continue;
        yield { key: row.key, value: live.value, version: row.version };
        if (++count >= limit) return;
      }
    } finally {
      hold.end?.();
    }
  }

  /**
   * Every commit after `since`, in order, exactly once, across processes; with `follow`, waits for new
   * ones (woken by NOTIFY where the server has it, and by polling every `pollIntervalMs`).
   *
   * @example
   * for await (const c of engine.changes({ since: lastSeen, follow: true, signal })) console.log(c.version);
   */
  async *changes(opts?: ChangesOptions): AsyncIterableIterator<CommitRecord> {
    this.#assertOpen();
    const o = checkChangesOptions(opts);
    const stop = o.follow ? this.#notifier?.follow() : undefined;
    try {
      yield* changeFeed(o, {
        rows: (after, limit) =>
          queryRows(this.#conn.direct, this.#conn.sql.logFrom, [after, limit], 'reading the commit log'),
        wait: (signal) => nextCommit(this.#events, signal, this.#opts.pollIntervalMs),
        closed: () => this.#closing !== undefined,
      });
    } finally {
      stop?.();
    }
  }

  /**
   * Checks the data against the commit log in one snapshot (see the README's "verify").
   *
   * @example
   * const { ok, problems } = await engine.verify();
   */
  async verify(): Promise<Verification> {
    this.#assertOpen();
    try {
      const problems = await this.#track(verifyTables(this.#conn.readers, this.#conn.sql));
      return { ok: problems.length === 0, problems };
    } catch (error) {
      throw storageError(error, 'verifying');
    }
  }

  /**
   * Deletes expired entries now, in batches of `sweepBatchSize`, each an ordinary logged commit.
   * Returns how many.
   *
   * @example
   * const removed = await engine.sweepExpired();
   */
  sweepExpired(): Promise<number> {
    try {
      this.#assertOpen();
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
      const { deleted, more } = await this.#committer.sweep(this.#opts.sweepBatchSize);
      total += deleted;
      this.#counts.expiredSwept += deleted;
      if (!more || this.#closing !== undefined) return total;
    }
  }

  /**
   * Counters for operators. Process counters are exact; `version` is the newest commit this process
   * has seen, and `entries` / `sizeBytes` are from the server as of `open` or the last `stats()` call
   * more than a second earlier (it refreshes them in the background).
   *
   * @example
   * const { commits, conflicts, version, entries } = engine.stats();
   */
  stats(): EngineStats {
    this.#assertOpen();
    this.#server.refreshSoon();
    const server = this.#server.latest;
    return {
      commits: this.#counts.commits,
      conflicts: this.#runner.stats.conflicts,
      retries: this.#runner.stats.retries,
      aborts: this.#runner.stats.aborts,
      expiredSwept: this.#counts.expiredSwept,
      version: server.version,
      logLength: server.version,
      logTrimmedThrough: 0,
      entries: server.entries,
      sizeBytes: server.sizeBytes,
      reads: this.#counts.reads,
      openSnapshots: this.#counts.openSnapshots,
      location: this.#opts.location,
    };
  }

  /**
   * Closes, draining first: transactions and sweeps already running finish, then every connection is
   * closed. Later calls reject with `CLOSED`; a `db.scan` still open fails at its next step; a
   * following `changes` ends. Idempotent.
   *
   * @example
   * await engine.close();
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
      this.#events.emit('commit'); // wake followers so they see the close
      this.#scans.endAll();
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      await this.#committer.idle();
      await this.#server.idle();
      this.#notifier?.close();
      await Promise.all([this.#conn.readers.end(), this.#conn.direct.end()]);
    })();
    return this.#closing;
  }
}
