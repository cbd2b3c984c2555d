import type pg from 'pg';
import { migrate } from './migrations.js';
import type { ResolvedPostgresOptions } from './options.js';
import { openError } from './pg-errors.js';
import { createPool } from './pools.js';
import { channelOf, type Statements, statements } from './sql.js';

/** Everything an open engine holds on the server side. */
export interface Connection {
  /** Connections pinned by transaction snapshots and scans. */
  readers: pg.Pool;
  /** Connections for single statements, the committer and verification. */
  direct: pg.Pool;
  sql: Statements;
  /** The statement that starts a commit transaction. */
  begin: string;
  /** The NOTIFY channel, or `undefined` when the server has no LISTEN/NOTIFY. */
  channel: string | undefined;
  /** The newest commit: its version and time (0, 0 for a new database). */
  last: { version: number; committedAt: number };
}

/**
 * Connects, creates or migrates the tables, and learns what the server offers: whether
 * `synchronous_commit` is off for this user (then every commit turns it on for itself, so that an
 * acknowledged commit is on disk) and whether it has `pg_notify`. Any failure is a `STORAGE` error
 * saying what is wrong (no such database, wrong credentials, nothing listening), and nothing is left
 * open.
 */
export async function connect(o: ResolvedPostgresOptions): Promise<Connection> {
  const readers = createPool(o.connectionString, o.poolSize, o.connectTimeoutMs, o.snapshotIdleTimeoutMs);
  const direct = createPool(o.connectionString, 4, o.connectTimeoutMs);
  const sql = statements(o.schema);
  try {
    await migrate(direct, sql, o.schema, o.create);
    let begin = sql.beginCommit;
    const sync = await optional(direct, 'SHOW synchronous_commit');
    if (sync?.[0]?.synchronous_commit === 'off') begin += '; SET LOCAL synchronous_commit TO on';
    const channel = (await optional(direct, `SELECT pg_notify('${channelOf(o.schema)}', '0')`))
      ? channelOf(o.schema)
      : undefined;
    const rows = (await direct.query<{ last_version: number; committed_at: number }>(sql.lastCommit)).rows;
    const last = { version: rows[0]?.last_version ?? 0, committedAt: rows[0]?.committed_at ?? 0 };
    return { readers, direct, sql, begin, channel, last };
  } catch (error) {
    await Promise.all([readers.end(), direct.end()]).catch(() => {});
    throw openError(error, o.location);
  }
}

/** The rows of a statement the server may not support, or `undefined` if it refused it. */
async function optional(pool: pg.Pool, text: string): Promise<Record<string, unknown>[] | undefined> {
  try {
    return (await pool.query(text)).rows;
  } catch (error) {
    // Only a refusal of the statement itself; a lost connection is a real failure.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^(0A|42)/.test(code)) return undefined;
    throw error;
  }
}
