import { decodeLogEntry, entryExpiry, keyId } from '@agentdb/engine/kit';
import type pg from 'pg';
import type { Statements } from './sql.js';

const PAGE = 500;
const hex = (key: Uint8Array) => Buffer.from(key).toString('hex');

/**
 * Checks the stored data against the commit log, in one `REPEATABLE READ` snapshot: every log row
 * passes its checksum and the rows' versions run from 1 to the counter without a gap; replaying the
 * log over an empty store gives the data table exactly (keys, entry bytes, versions); and each row's
 * `expires_at` column (the sweeper's index) agrees with the expiry inside its entry. Returns the
 * problems found (none: consistent).
 */
export async function verifyTables(pool: pg.Pool, sql: Statements): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const problems = await check(client, sql);
    await client.query('ROLLBACK');
    client.release();
    return problems;
  } catch (error) {
    client.release(true);
    throw error;
  }
}

async function check(client: pg.PoolClient, sql: Statements): Promise<string[]> {
  const problems: string[] = [];
  const counter = (await client.query<{ value: number }>(sql.readVersion)).rows[0]?.value ?? 0;
  // The last logged state of every key: stored entry bytes (null = deleted) and version.
  const expected = new Map<string, { key: Uint8Array; stored: Uint8Array | null; version: number }>();
  let previous = 0;
  for (;;) {
    const { rows } = await client.query<{ first_version: number; last_version: number; record: Buffer }>(
      sql.logAll,
      [previous, PAGE],
    );
    for (const row of rows) {
      if (row.first_version !== previous + 1)
        problems.push(`commit log: versions ${previous + 1}–${row.first_version - 1} are missing`);
      previous = row.last_version;
      try {
        const commits = decodeLogEntry(row.first_version, row.record);
        if (commits.at(-1)?.version !== row.last_version)
          problems.push(
            `commit log row ${row.first_version}: its record ends at ${commits.at(-1)?.version}, not ${row.last_version}`,
          );
        for (const commit of commits)
          for (const w of commit.writes)
            expected.set(keyId(w.key), { key: w.key, stored: w.stored, version: commit.version });
      } catch (e) {
        problems.push(`commit log: ${(e as Error).message}`);
      }
    }
    if (rows.length < PAGE) break;
  }
  if (previous !== counter)
    problems.push(`commit log ends at ${previous} but the version counter is ${counter}`);

  let after: Buffer = Buffer.alloc(0);
  for (;;) {
    const { rows } = await client.query<{
      key: Buffer;
      entry: Buffer;
      version: number;
      expires_at: number | null;
    }>(sql.allData, [after, PAGE]);
    for (const row of rows) {
      const id = keyId(row.key);
      const want = expected.get(id);
      expected.delete(id);
      try {
        if ((entryExpiry(row.entry) ?? null) !== row.expires_at)
          problems.push(`key ${hex(row.key)}: expires_at ${row.expires_at} disagrees with its entry`);
      } catch (e) {
        problems.push(`key ${hex(row.key)}: ${(e as Error).message}`);
      }
      if (want === undefined)
        problems.push(`key ${hex(row.key)}: present in data but never written by the log`);
      else if (want.stored === null)
        problems.push(`key ${hex(row.key)}: the log deleted it at ${want.version} but it is present`);
      else if (want.version !== row.version || Buffer.compare(want.stored, row.entry) !== 0)
        problems.push(`key ${hex(row.key)}: differs from its last logged write (commit ${want.version})`);
    }
    const last = rows.at(-1);
    if (rows.length < PAGE || last === undefined) break;
    after = last.key;
  }
  for (const w of expected.values())
    if (w.stored !== null) problems.push(`key ${hex(w.key)}: written at ${w.version} but missing from data`);
  return problems;
}
