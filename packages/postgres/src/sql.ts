import { createHash } from 'node:crypto';

/**
 * Every SQL statement the engine sends, in one place, for one schema. The rules they keep, so that
 * CockroachDB and YugabyteDB accept them too (only PostgreSQL is tested here):
 * - keys and values are `bytea`, compared bytewise (range scans are `key >= $1 AND key < $2`);
 * - writes are `INSERT … ON CONFLICT (key) DO UPDATE` and `DELETE … WHERE key = ANY($1)`, batched
 *   with `unnest` of arrays;
 * - commits serialise on one row lock (`SELECT … FOR UPDATE` of the commit-version counter): no
 *   advisory locks, no `LOCK TABLE`, no server-side functions or triggers;
 * - snapshots are `REPEATABLE READ READ ONLY` transactions; commits run at `READ COMMITTED`, which
 *   servers without it run as `SERIALIZABLE` (serialization failures are retried);
 * - `pg_notify` / `LISTEN` only to wake followers early, never needed for correctness;
 * - identifiers are lower-case and double-quoted; no extensions.
 */
/** The SQL the engine sends for one schema. */
export interface Statements {
  /** DDL of format 1, in order; each is idempotent. */
  create: string[];
  /** Starts a commit transaction. */
  beginCommit: string;
  /** Locks the commit-version counter row: commits (in every process) run one after another. */
  lockVersion: string;
  setVersion: string;
  readFormat: string;
  getOne: string;
  getMany: string;
  rangeUp: string;
  rangeDown: string;
  /** Rows from a key on, in key order (commit-time loading of a mutation's neighbouring keys). */
  rangeFrom: string;
  /** Keys and versions of a whole range, unordered (commit-time scan validation). */
  rangeAll: string;
  /** Applies a batch: upserts, deletes, log rows, counter. `applyNotify` also wakes followers. */
  apply: string;
  applyNotify: string;
  logFrom: string;
  tokenAt: string;
  lastCommit: string;
  expired: string;
  counts: string;
  size: string;
  allData: string;
  logAll: string;
  readVersion: string;
}

/**
 * The statements for tables in `schema` (a checked lower-case identifier): what the engine sends, for
 * operators reviewing it and for baselines that replay it without the engine (apps/bench).
 *
 * @example
 * const { lockVersion } = statements('agentdb');
 */
export function statements(schema: string): Statements {
  const s = `"${schema}"`;
  const apply = `WITH put AS (
      INSERT INTO ${s}.data (key, entry, version, expires_at)
      SELECT * FROM unnest($1::bytea[], $2::bytea[], $3::bigint[], $4::bigint[])
      ON CONFLICT (key) DO UPDATE
        SET entry = excluded.entry, version = excluded.version, expires_at = excluded.expires_at
    ), del AS (
      DELETE FROM ${s}.data WHERE key = ANY($5::bytea[])
    ), logged AS (
      INSERT INTO ${s}.log (first_version, last_version, committed_at, token, record)
      VALUES ($6, $7, $8, $9, $10)
    )
    UPDATE ${s}.meta SET value = $7 WHERE name = 'version'`;
  return {
    create: [
      `CREATE SCHEMA IF NOT EXISTS ${s}`,
      `CREATE TABLE IF NOT EXISTS ${s}.meta (name text PRIMARY KEY, value bigint NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${s}.data (
        key bytea PRIMARY KEY, entry bytea NOT NULL, version bigint NOT NULL, expires_at bigint)`,
      `CREATE INDEX IF NOT EXISTS data_expiry ON ${s}.data (expires_at) WHERE expires_at IS NOT NULL`,
      `CREATE TABLE IF NOT EXISTS ${s}.log (first_version bigint PRIMARY KEY, last_version bigint NOT NULL,
        committed_at bigint NOT NULL, token bytea NOT NULL, record bytea NOT NULL)`,
      `INSERT INTO ${s}.meta (name, value) VALUES ('version', 0) ON CONFLICT (name) DO NOTHING`,
    ],
    beginCommit: 'BEGIN ISOLATION LEVEL READ COMMITTED',
    lockVersion: `SELECT value FROM ${s}.meta WHERE name = 'version' FOR UPDATE`,
    setVersion: `UPDATE ${s}.meta SET value = $1 WHERE name = 'version'`,
    readFormat: `SELECT value FROM ${s}.meta WHERE name = 'format' FOR UPDATE`,
    getOne: `SELECT key, entry, version FROM ${s}.data WHERE key = $1`,
    getMany: `SELECT key, entry, version FROM ${s}.data WHERE key = ANY($1::bytea[])`,
    rangeUp: `SELECT key, entry, version FROM ${s}.data WHERE key >= $1 AND key < $2 ORDER BY key LIMIT $3`,
    rangeDown: `SELECT key, entry, version FROM ${s}.data WHERE key >= $1 AND key < $2 ORDER BY key DESC LIMIT $3`,
    rangeAll: `SELECT key, version FROM ${s}.data WHERE key >= $1 AND key < $2`,
    rangeFrom: `SELECT key, entry, version FROM ${s}.data WHERE key >= $1 ORDER BY key LIMIT $2`,
    apply,
    applyNotify: `${apply} RETURNING pg_notify($11, $7::text)`,
    // The row holding commit $1 + 1 (it may start below it), then the rows after it.
    logFrom: `SELECT first_version, record FROM ${s}.log
      WHERE first_version >= coalesce((SELECT max(first_version) FROM ${s}.log WHERE first_version <= $1 + 1), 0)
      ORDER BY first_version LIMIT $2`,
    tokenAt: `SELECT token FROM ${s}.log WHERE first_version = $1`,
    lastCommit: `SELECT last_version, committed_at FROM ${s}.log ORDER BY first_version DESC LIMIT 1`,
    expired: `SELECT key, entry, version FROM ${s}.data
      WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at LIMIT $2`,
    counts: `SELECT (SELECT value FROM ${s}.meta WHERE name = 'version') AS version,
      (SELECT count(*) FROM ${s}.data) AS entries`,
    size: `SELECT pg_total_relation_size('${s}.data') + pg_total_relation_size('${s}.log') AS bytes`,
    allData: `SELECT key, entry, version, expires_at FROM ${s}.data WHERE key > $1 ORDER BY key LIMIT $2`,
    logAll: `SELECT first_version, last_version, record FROM ${s}.log
      WHERE first_version > $1 ORDER BY first_version LIMIT $2`,
    readVersion: `SELECT value FROM ${s}.meta WHERE name = 'version'`,
  };
}

/** The LISTEN/NOTIFY channel of a schema's commits. */
export function channelOf(schema: string): string {
  return `agentdb_${schema}`.slice(0, 63);
}

const PREPARED = new Map<string, { name: string; text: string }>();

/**
 * `text` as a named statement: each connection prepares it once (parse and plan) and then only binds
 * and executes it, which spares the server's CPU on every read and commit. The name is a hash of the
 * text, so one connection never holds two texts under one name.
 *
 * @example
 * await client.query({ ...prepared(sql.getOne), values: [key] });
 */
export function prepared(text: string): { name: string; text: string } {
  let statement = PREPARED.get(text);
  if (statement === undefined) {
    statement = { name: `agentdb_${createHash('sha256').update(text).digest('hex').slice(0, 20)}`, text };
    PREPARED.set(text, statement);
  }
  return statement;
}
