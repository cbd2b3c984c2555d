import pg from 'pg';
import { storageError } from './pg-errors.js';
import { prepared } from './sql.js';

/** int8 (oid 20) as a JS number: versions, timestamps and counts stay far below 2^53. */
const INT8 = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * A connection pool that never takes the process down. `pg` emits `error` on a client whose
 * connection dies (a terminated backend, a server restart): on an idle client the pool re-emits it, on
 * a checked-out one nobody listens — and an unheard `error` event crashes Node. Both are heard here;
 * the failure itself reaches whoever uses the connection through the rejected query, and the pool
 * opens a fresh connection for the next checkout, which is how the engine reconnects by itself.
 *
 * @example
 * const pool = createPool(url, 10, 10_000, 60_000);
 */
export function createPool(
  connectionString: string,
  max: number,
  connectTimeoutMs: number,
  idleInTransactionMs = 0,
): pg.Pool {
  const pool = new pg.Pool({
    ...(idleInTransactionMs > 0 ? { idle_in_transaction_session_timeout: idleInTransactionMs } : {}),
    connectionString,
    max,
    connectionTimeoutMillis: connectTimeoutMs,
    idleTimeoutMillis: 10_000,
    // Idle connections do not keep the process alive (like the LMDB engine's unref'd timers).
    allowExitOnIdle: true,
    application_name: 'agentdb',
    // Queries on one connection are sent without waiting for the previous answer (a snapshot's BEGIN
    // with its first read, a commit's writes with COMMIT); the server still runs them in order.
    pipeline: true,
    types,
  });
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/**
 * Runs one statement on a pooled connection (its own implicit transaction), as a `STORAGE` error on
 * failure.
 *
 * @example
 * const rows = await queryRows(pool, 'SELECT 1 AS one', [], 'checking');
 */
export async function queryRows<R extends pg.QueryResultRow>(
  pool: pg.Pool,
  text: string,
  values: unknown[],
  doing: string,
): Promise<R[]> {
  try {
    return (await pool.query<R>({ ...prepared(text), values })).rows;
  } catch (error) {
    throw storageError(error, doing);
  }
}
