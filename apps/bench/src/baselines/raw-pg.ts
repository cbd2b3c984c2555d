import { decodeLogEntry, keyId, LogEntryBuilder, type LoggedWrite, pendingDelete } from '@agentdb/engine/kit';
import { type Statements, statements } from '@agentdb/postgres';
import pg from 'pg';

/** One commit's writes, as a template for raw operations: keys new to each operation get a fresh suffix. */
export interface CommitTemplate {
  writes: { key: Buffer; stored: Buffer | null; fresh: boolean }[];
}

// int8 as a JS number, as the engine reads it.
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * The raw `pg` equivalent of an AgentDB commit on PostgreSQL, for the bench's baselines: per
 * operation ONE SQL transaction sending the statements the engine's committer sends for that commit —
 * begin and lock the version counter row, read the commit's keys, write its rows, the counter and its
 * commit-log row in one statement, COMMIT — with the same entry bytes, on a pool as large as the
 * engine's. What it leaves out is what the engine adds: group commit, snapshots, validation logic.
 */
export class RawPg {
  readonly #pool: pg.Pool;
  readonly #sql: Statements;
  readonly #schema: string;
  #op = 0;

  private constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool;
    this.#schema = schema;
    this.#sql = statements(schema);
  }

  /** A pool of `size` connections on `schema` (whose tables the engine created). */
  static open(connectionString: string, schema: string, size: number): RawPg {
    const pool = new pg.Pool({ connectionString, max: size, types });
    pool.on('error', () => {});
    return new RawPg(pool, schema);
  }

  /**
   * The newest commit of the schema's log as a template. A key it shares with the commit before it
   * (an event log's head, a counter) is rewritten by every operation; any other key is new to each.
   */
  async template(): Promise<CommitTemplate> {
    const { rows } = await this.#pool.query<{ first_version: number; record: Buffer }>(
      `SELECT first_version, record FROM "${this.#schema}".log ORDER BY first_version DESC LIMIT 2`,
    );
    const commits = rows.reverse().flatMap((r) => decodeLogEntry(r.first_version, r.record));
    const [before, last] = commits.slice(-2);
    if (last === undefined) throw new Error('raw pg template: the log holds no commit');
    const shared = new Set((before?.writes ?? []).map((w: LoggedWrite) => keyId(w.key)));
    return {
      writes: last.writes.map((w) => ({
        key: Buffer.from(w.key),
        stored: w.stored === null ? null : Buffer.from(w.stored),
        fresh: !shared.has(keyId(w.key)),
      })),
    };
  }

  /** One operation: one SQL transaction committing `t` (with fresh keys where the template has them). */
  async commit(t: CommitTemplate): Promise<void> {
    const suffix = Buffer.from(`~${this.#op++}`);
    const writes = t.writes.map((w) => ({ ...w, key: w.fresh ? Buffer.concat([w.key, suffix]) : w.key }));
    const client = await this.#pool.connect();
    try {
      const results = (await client.query(
        `${this.#sql.beginCommit}; ${this.#sql.lockVersion}`,
      )) as unknown as pg.QueryResult<{ value: number }>[];
      const version = results[1]!.rows[0]!.value + 1;
      await client.query(this.#sql.getMany, [writes.map((w) => w.key)]);
      const log = new LogEntryBuilder();
      log.add(
        version,
        new Map(
          writes.map((w) => {
            const write =
              w.stored === null ? pendingDelete(w.key) : { ...pendingDelete(w.key), stored: w.stored };
            return [write.id, write];
          }),
        ),
      );
      const now = Date.now();
      const { first, bytes } = log.encode(now);
      const puts = writes.filter((w) => w.stored !== null);
      await client.query(this.#sql.apply, [
        puts.map((w) => w.key),
        puts.map((w) => w.stored),
        puts.map(() => version),
        puts.map(() => null),
        writes.filter((w) => w.stored === null).map((w) => w.key),
        first,
        version,
        now,
        Buffer.alloc(16),
        Buffer.from(bytes),
      ]);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      client.release(true);
      throw error;
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
