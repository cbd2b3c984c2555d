import { AgentDBError } from '@agentdb/core';
import type pg from 'pg';
import type { Statements } from './sql.js';

/** The table layout this version writes and reads. */
export const FORMAT = 1;

/**
 * The steps from each format to the next, in order: `MIGRATIONS[n]` brings format `n` to `n + 1`.
 * Format 0 is an empty schema. A later layout adds a step here; every step runs inside the one
 * migration transaction, so a schema is never left half-migrated.
 */
function migrations(sql: Statements): string[][] {
  return [sql.create];
}

/** Errors a concurrent migration by another process can cause; the migration is then run again. */
const RACES = new Set(['23505', '42P06', '42P07', '40001', '40P01']);

/**
 * Creates the schema and its tables, or migrates them to `FORMAT`, in one transaction. Several
 * processes may open a new schema at once: the format row is locked while migrating, and a process
 * that loses a creation race (a duplicate schema or table) runs the migration again and finds it
 * done. A schema already at `FORMAT` costs one read and no DDL (so a user without CREATE rights can
 * use a schema prepared for it). A schema written by a newer version is refused with `STORAGE`;
 * without `create`, a schema that would need any DDL is `NOT_FOUND`.
 */
export async function migrate(
  pool: pg.Pool,
  sql: Statements,
  schema: string,
  create: boolean,
): Promise<void> {
  const format = await currentFormat(pool, schema);
  if (format === FORMAT) return;
  if (!create) {
    throw new AgentDBError(
      'NOT_FOUND',
      format === undefined
        ? `schema ${schema} holds no AgentDB tables (open with create: true to create them)`
        : `schema ${schema} holds AgentDB tables of format ${format}; open with create: true to migrate them to ${FORMAT}`,
    );
  }
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(sql.create[0]!); // the schema
      await client.query(sql.create[1]!); // the meta table
      await client.query(
        `INSERT INTO "${schema}".meta (name, value) VALUES ('format', 0) ON CONFLICT (name) DO NOTHING`,
      );
      const { rows } = await client.query<{ value: number }>(sql.readFormat);
      const from = rows[0]!.value;
      tooNew(from, schema);
      const steps = migrations(sql);
      for (let f = from; f < FORMAT; f++) for (const statement of steps[f]!) await client.query(statement);
      await client.query(`UPDATE "${schema}".meta SET value = $1 WHERE name = 'format'`, [FORMAT]);
      await client.query('COMMIT');
      client.release();
      return;
    } catch (error) {
      await client.query('ROLLBACK').then(
        () => client.release(),
        () => client.release(true),
      );
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && RACES.has(code) && attempt < 10) continue;
      throw error;
    }
  }
}

async function currentFormat(pool: pg.Pool, schema: string): Promise<number | undefined> {
  try {
    const { rows } = await pool.query<{ value: number }>(
      `SELECT value FROM "${schema}".meta WHERE name = 'format'`,
    );
    const format = rows[0]?.value;
    if (format !== undefined) tooNew(format, schema);
    return format;
  } catch (error) {
    // 42P01: no meta table yet (3F000: no schema); anything else is a real failure.
    const code = (error as { code?: unknown }).code;
    if (code === '42P01' || code === '3F000') return undefined;
    throw error;
  }
}

function tooNew(format: number, schema: string): void {
  if (format > FORMAT) {
    throw new AgentDBError(
      'STORAGE',
      `schema ${schema} holds AgentDB tables of format ${format}, newer than this @agentdb/postgres understands (${FORMAT}): upgrade it`,
    );
  }
}
