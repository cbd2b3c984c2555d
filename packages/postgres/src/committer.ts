import { randomBytes } from 'node:crypto';
import { AgentDBError } from '@agentdb/core';
import { type PutContext, sleep } from '@agentdb/engine/kit';
import type pg from 'pg';
import { CommitBatch, ServerFailure } from './commit-batch.js';
import { commitTransactions, sweepExpired } from './commit-work.js';
import { classify, storageError } from './pg-errors.js';
import type { Statements } from './sql.js';
import type { TxState } from './tx-state.js';

export interface CommitterOptions {
  pool: pg.Pool;
  sql: Statements;
  /** Starts a commit transaction (isolation level, and `synchronous_commit` if the server has it off). */
  begin: string;
  putCtx: PutContext;
  ttlNow: () => number;
  reconnectTimeoutMs: number;
  /** The NOTIFY channel, or `undefined` when the server has no LISTEN/NOTIFY. */
  channel(): string | undefined;
  onCommitted(count: number, lastVersion: number): void;
}

type Job =
  | { kind: 'commit'; state: TxState; resolve: () => void; reject: (e: unknown) => void }
  | {
      kind: 'sweep';
      limit: number;
      resolve: (r: { deleted: number; more: boolean }) => void;
      reject: (e: unknown) => void;
    };

/** Most transactions one commit batch takes. */
const MAX_BATCH = 256;
/** Serialization failures (40001, 40P01) of one batch retried before giving up with STORAGE. */
const SERIALIZATION_RETRIES = 100;

/**
 * Group commit, one PostgreSQL transaction at a time per process. Transactions that finish while a
 * batch is being committed queue and form the next batch. A batch first locks the commit-version
 * counter row (so commits in every process run one after another, versions have no gaps and commit
 * order is version order), then validates, mutates and applies its transactions, writes everything in
 * one statement and commits.
 *
 * Failures: a serialization failure or deadlock, or a connection lost before `COMMIT` was sent, left
 * nothing behind, so the batch is run again (on a new connection; for up to `reconnectTimeoutMs` while
 * the server is unreachable). A connection lost during `COMMIT` leaves the outcome in doubt: the batch
 * wrote a random token into its log row, so once a new connection holds the counter row (the old
 * session, if alive, has then finished) the token says whether it committed.
 */
export class Committer {
  readonly #o: CommitterOptions;
  #queue: Job[] = [];
  #running: Promise<void> | undefined;

  constructor(opts: CommitterOptions) {
    this.#o = opts;
  }

  /** Queues a transaction; resolves once `state.outcome` is set, rejects (`STORAGE`) if its batch failed. */
  submit(state: TxState): Promise<void> {
    return new Promise((resolve, reject) => this.#push({ kind: 'commit', state, resolve, reject }));
  }

  /** One sweep commit of at most `limit` expired entries. */
  sweep(limit: number): Promise<{ deleted: number; more: boolean }> {
    return new Promise((resolve, reject) => this.#push({ kind: 'sweep', limit, resolve, reject }));
  }

  /** Resolves when nothing is queued or committing. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  #push(job: Job): void {
    this.#queue.push(job);
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.kind === 'sweep') {
        this.#queue.shift();
        await this.#locked((batch) => sweepExpired(batch, head.limit)).then(
          ({ result }) => head.resolve(result),
          head.reject,
        );
        continue;
      }
      let n = 0;
      while (n < this.#queue.length && n < MAX_BATCH && this.#queue[n]!.kind === 'commit') n++;
      const jobs = this.#queue.splice(0, n) as Extract<Job, { kind: 'commit' }>[];
      const states = jobs.map((j) => j.state);
      try {
        const { result, batch } = await this.#locked((b) => commitTransactions(b, states, this.#o.putCtx));
        for (let i = 0; i < jobs.length; i++) states[i]!.outcome = result[i];
        if (batch.count > 0) this.#o.onCommitted(batch.count, batch.base + batch.count);
        for (const job of jobs) job.resolve();
      } catch (error) {
        for (const job of jobs) job.reject(error);
      }
    }
  }

  /** Runs `work` in a commit transaction holding the counter row; commits if it applied anything. */
  async #locked<R>(work: (batch: CommitBatch) => Promise<R>): Promise<{ result: R; batch: CommitBatch }> {
    let deadline: number | undefined;
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient | undefined;
      let batch: CommitBatch | undefined;
      let result: R | undefined;
      let committing = false;
      const token = randomBytes(16);
      try {
        client = await this.#o.pool.connect();
        const base = await this.#lock(client);
        batch = new CommitBatch(client, this.#o.sql, base, this.#o.ttlNow());
        result = await work(batch);
        if (batch.count === 0) {
          await client.query('ROLLBACK');
        } else {
          // Pipelined: the writes and COMMIT travel together. If the writes fail, COMMIT ends the
          // transaction as a rollback and the writes' error says why; if the connection is lost, the
          // outcome is in doubt either way.
          committing = true;
          const [applied, committed] = await Promise.allSettled([
            batch.finish(token, this.#o.channel()),
            client.query('COMMIT'),
          ]);
          if (applied.status === 'rejected') throw applied.reason;
          if (committed.status === 'rejected') throw committed.reason;
        }
        client.release();
        return { result, batch };
      } catch (thrown) {
        const error = thrown instanceof ServerFailure ? thrown.cause : thrown;
        const kind = classify(error);
        if (client !== undefined) await discard(client, kind === 'connection');
        if (kind === 'connection') deadline ??= performance.now() + this.#o.reconnectTimeoutMs;
        if (committing && kind === 'connection') {
          const found = await this.#lookup(batch!.base + 1, token, deadline!);
          if (found === 'committed') return { result: result as R, batch: batch! };
          if (found === 'unknown') {
            throw new AgentDBError(
              'STORAGE',
              `the connection was lost during COMMIT and the server could not be reached within ` +
                `reconnectTimeoutMs to find out whether it committed: it may have (${String(error)})`,
              { cause: error },
            );
          }
        }
        if (kind === 'serialization' && attempt < SERIALIZATION_RETRIES) {
          await sleep(Math.random() * Math.min(50, 2 ** attempt));
          continue;
        }
        if (kind === 'connection' && performance.now() < deadline!) {
          await sleep(Math.min(250, 10 * 2 ** attempt));
          continue;
        }
        throw storageError(error, 'committing');
      }
    }
  }

  /** Begins a commit transaction and locks the counter row; returns the counter. */
  async #lock(client: pg.PoolClient): Promise<number> {
    const results = (await client.query(
      `${this.#o.begin}; ${this.#o.sql.lockVersion}`,
    )) as unknown as pg.QueryResult[];
    const row = results.at(-1)?.rows[0] as { value: number } | undefined;
    if (row === undefined) throw new AgentDBError('CORRUPTION', 'the commit-version counter row is missing');
    return row.value;
  }

  /**
   * Whether the batch whose first version is `first` and whose log row carries `token` committed.
   * Locking the counter row first waits for the session that sent `COMMIT`, if it is still running.
   */
  async #lookup(first: number, token: Buffer, deadline: number): Promise<'committed' | 'absent' | 'unknown'> {
    for (let attempt = 1; ; attempt++) {
      let client: pg.PoolClient | undefined;
      try {
        client = await this.#o.pool.connect();
        await this.#lock(client);
        const { rows } = await client.query<{ token: Buffer }>(this.#o.sql.tokenAt, [first]);
        await client.query('ROLLBACK');
        client.release();
        return rows[0]?.token.equals(token) === true ? 'committed' : 'absent';
      } catch {
        client?.release(true);
        if (performance.now() >= deadline) return 'unknown';
        await sleep(Math.min(250, 10 * 2 ** attempt));
      }
    }
  }
}

/** Ends a failed commit transaction and gives the connection back (destroyed if it is unusable). */
async function discard(client: pg.PoolClient, broken: boolean): Promise<void> {
  if (broken) {
    client.release(true);
    return;
  }
  try {
    await client.query('ROLLBACK');
    client.release();
  } catch {
    client.release(true);
  }
}
