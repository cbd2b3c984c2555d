import { AgentDBError } from '@agentdb/core';
import type pg from 'pg';
import { storageError } from './pg-errors.js';
import { prepared, type Statements } from './sql.js';

/** One stored row: the key, the stored entry bytes (the engine's entry layout) and its version. */
export interface RawRow {
  key: Buffer;
  entry: Buffer;
  version: number;
}

/** Where a snapshot comes from, and what it reports back. */
export interface SnapshotSource {
  pool: pg.Pool;
  sql: Statements;
  /** Called with the number of rows each read returned (the engine's `reads` counter). */
  counted(rows: number): void;
  /** Called once when the snapshot takes a connection, and once when it gives it back. */
  held(delta: 1 | -1): void;
}

const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

/**
 * A consistent read view: a `REPEATABLE READ READ ONLY` transaction pinned on one pooled connection
 * from its first read until `release()`. Every read through it sees the same committed state (commits
 * are serialised by the counter row, so that state is every commit up to some version, and no other).
 * It takes no connection until it is first read, so a transaction that only writes never holds one.
 */
export class PgSnapshot {
  readonly #source: SnapshotSource;
  /** The pinned connection, and its BEGIN (pipelined with the first read, not waited for alone). */
  #client: Promise<{ client: pg.PoolClient; begun: Promise<unknown> }> | undefined;
  #ended: AgentDBError | undefined;
  /** The error the pinned connection reported while idle (the server ending it, say). */
  #lost: unknown;
  readonly #onLost = (error: unknown) => {
    this.#lost ??= error;
  };
  /** Settles once the connection is back in the pool (or was never taken). */
  #returned: Promise<void> = Promise.resolve();

  constructor(source: SnapshotSource) {
    this.#source = source;
  }

  async #begin(): Promise<{ client: pg.PoolClient; begun: Promise<unknown> }> {
    let client: pg.PoolClient;
    try {
      client = await this.#source.pool.connect();
    } catch (error) {
      throw storageError(error, 'connecting for a read snapshot');
    }
    this.#source.held(1);
    client.on('error', this.#onLost);
    const begun = client.query(BEGIN);
    begun.catch(() => {}); // awaited with the first read
    return { client, begun };
  }

  async #rows(text: string, values: unknown[]): Promise<RawRow[]> {
    if (this.#ended !== undefined) throw this.#ended;
    this.#client ??= this.#begin();
    const { client, begun } = await this.#client;
    let rows: RawRow[];
    try {
      // The connections are pipelined: BEGIN and the first read travel together.
      const [, result] = await Promise.all([begun, client.query<RawRow>({ ...prepared(text), values })]);
      rows = result.rows;
    } catch (error) {
      throw this.#ended ?? readError(this.#lost ?? error);
    }
    if (this.#ended !== undefined) throw this.#ended;
    this.#source.counted(rows.length);
    return rows;
  }

  /** The row at `key`, or `undefined`. */
  async get(key: Buffer): Promise<RawRow | undefined> {
    return (await this.#rows(this.#source.sql.getOne, [key]))[0];
  }

  /** The rows at `keys` (absent keys have none), in no particular order. */
  getMany(keys: readonly Buffer[]): Promise<RawRow[]> {
    return this.#rows(this.#source.sql.getMany, [keys]);
  }

  /**
   * Rows in `[start, end)`, ascending (descending with `reverse`), fetched in pages that start at
   * `firstPage` rows and grow. Lazy: a page is read only when the previous one is used up.
   */
  async *range(start: Buffer, end: Buffer, reverse: boolean, firstPage: number): AsyncGenerator<RawRow> {
    const sql = reverse ? this.#source.sql.rangeDown : this.#source.sql.rangeUp;
    let lo = start;
    let hi = end;
    let size = Math.max(1, Math.min(firstPage, 1000));
    for (;;) {
      const rows = await this.#rows(sql, [lo, hi, size]);
      yield* rows;
      const last = rows.at(-1);
      if (rows.length < size || last === undefined) return;
      // The next page starts just past the last key: its bytewise successor going up, itself going down.
      if (reverse) hi = last.key;
      else lo = Buffer.concat([last.key, Buffer.from([0])]);
      size = Math.min(size * 4, 1000);
    }
  }

  /** True once the snapshot has taken a connection. */
  get pinned(): boolean {
    return this.#client !== undefined && this.#ended === undefined;
  }

  /**
   * Ends the snapshot: its transaction is rolled back and the connection returned, in the background
   * (after any query still running on it). Every later read, and an open range's next page, throws
   * `reason`. Idempotent.
   */
  release(reason?: AgentDBError): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason ?? new AgentDBError('CLOSED', 'this read snapshot was released');
    const pending = this.#client;
    this.#client = undefined;
    if (pending === undefined) return;
    this.#returned = pending.then(
      async ({ client }) => {
        client.off('error', this.#onLost);
        // Pipelined: the connection goes back to the pool at once; whoever takes it next sends its
        // BEGIN behind this ROLLBACK. A connection whose ROLLBACK fails is closed, not reused.
        const rolledBack = client.query('ROLLBACK');
        client.release();
        this.#source.held(-1);
        await rolledBack.catch(() => client.end().catch(() => {}));
      },
      () => {}, // it never connected: nothing to give back
    );
  }

  /** Settles when the connection is back in its pool. */
  returned(): Promise<void> {
    return this.#returned;
  }
}

/** 25P03: the server ended the session for sitting idle in its transaction (`snapshotIdleTimeoutMs`). */
function readError(error: unknown): AgentDBError {
  if ((error as { code?: unknown }).code === '25P03') {
    return new AgentDBError(
      'TIMEOUT',
      'this snapshot sat idle longer than snapshotIdleTimeoutMs, so the server ended it: read in pages, or raise the option',
      { cause: error },
    );
  }
  return storageError(error, 'reading');
}
