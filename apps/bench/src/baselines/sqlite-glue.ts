import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { newId, type TraceType, type Value } from '@agentdb/primitives';
import Sqlite from 'better-sqlite3';

/** `FULL` syncs the WAL at every commit (≈ strict); `NORMAL` only at checkpoints (≈ buffered). */
export type SqliteSync = 'FULL' | 'NORMAL';

const GENESIS = '0'.repeat(64);

/**
 * The second baseline: what a user would glue together on better-sqlite3 instead of AgentDB — a kv
 * table and a hash-chained events table (with a type index, so `readByType` would be indexed too),
 * in WAL mode, values as JSON, SHA-256 computed in JS. Each write method is one SQLite transaction.
 *
 * @example
 * const sql = SqliteGlue.open(dir, 'FULL');
 * sql.kvPut('run-1', 'plan', { steps: 3 });
 * sql.append('run-1', 'tool_call', { tool: 'search' });
 * sql.close();
 */
export class SqliteGlue {
  readonly #db: Sqlite.Database;
  readonly #kvPut: Sqlite.Statement;
  readonly #kvGet: Sqlite.Statement<[string, string], { value: string }>;
  readonly #head: Sqlite.Statement<[string], { seq: number; hash: string }>;
  readonly #insertEvent: Sqlite.Statement;
  readonly #insertTrace: Sqlite.Statement;
  readonly #insertTag: Sqlite.Statement;
  readonly #recordMany: (run: string, trace: TraceType, tags: readonly string[], n: number) => void;
  readonly #kvPutMany: (run: string, keys: readonly string[], value: Value) => void;
  readonly #appendOne: (run: string, type: string, payload: Value) => number;
  readonly #appendMany: (run: string, type: string, payloads: readonly Value[]) => void;

  private constructor(db: Sqlite.Database) {
    this.#db = db;
    db.exec(`
      CREATE TABLE IF NOT EXISTS kv (run TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
        PRIMARY KEY (run, key)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS events (run TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL,
        ts INTEGER NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
        PRIMARY KEY (run, seq)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS events_by_type ON events (run, type, seq);
      CREATE TABLE IF NOT EXISTS traces (run TEXT NOT NULL, id TEXT NOT NULL, parent TEXT, type TEXT NOT NULL,
        ts INTEGER NOT NULL, value TEXT NOT NULL, PRIMARY KEY (run, id)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS traces_by_type ON traces (run, type, ts, id);
      CREATE INDEX IF NOT EXISTS traces_by_time ON traces (run, ts, id);
      CREATE INDEX IF NOT EXISTS traces_by_parent ON traces (run, parent, ts, id);
      CREATE TABLE IF NOT EXISTS trace_tags (run TEXT NOT NULL, tag TEXT NOT NULL, ts INTEGER NOT NULL,
        id TEXT NOT NULL, PRIMARY KEY (run, tag, ts, id)) WITHOUT ROWID;
    `);
    this.#kvPut = db.prepare('INSERT OR REPLACE INTO kv (run, key, value) VALUES (?, ?, ?)');
    this.#kvGet = db.prepare('SELECT value FROM kv WHERE run = ? AND key = ?');
    this.#head = db.prepare('SELECT seq, hash FROM events WHERE run = ? ORDER BY seq DESC LIMIT 1');
    this.#insertEvent = db.prepare(
      'INSERT INTO events (run, seq, type, ts, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#insertTrace = db.prepare(
      'INSERT INTO traces (run, id, parent, type, ts, value) VALUES (?, ?, NULL, ?, ?, ?)',
    );
    this.#insertTag = db.prepare('INSERT INTO trace_tags (run, tag, ts, id) VALUES (?, ?, ?, ?)');
    this.#recordMany = db.transaction((run: string, trace: TraceType, tags: readonly string[], n: number) => {
      for (let i = 0; i < n; i++) this.#recordInTx(run, trace, tags);
    });
    this.#kvPutMany = db.transaction((run: string, keys: readonly string[], value: Value) => {
      const json = JSON.stringify(value);
      for (const k of keys) this.#kvPut.run(run, k, json);
    });
    this.#appendOne = db.transaction((run: string, type: string, payload: Value) =>
      this.#appendInTx(run, type, payload),
    );
    this.#appendMany = db.transaction((run: string, type: string, payloads: readonly Value[]) => {
      for (const p of payloads) this.#appendInTx(run, type, p);
    });
  }

  /** Opens `dir/glue.db` in WAL mode with the given `synchronous` level. @example SqliteGlue.open(dir, 'FULL') */
  static open(dir: string, sync: SqliteSync): SqliteGlue {
    const db = new Sqlite(join(dir, 'glue.db'));
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${sync}`);
    return new SqliteGlue(db);
  }

  /** One put, one transaction (autocommit). @example sql.kvPut('r', 'k', 1) */
  kvPut(run: string, key: string, value: Value): void {
    this.#kvPut.run(run, key, JSON.stringify(value));
  }

  /** Many puts of one value in one transaction. @example sql.kvPutMany('r', ['a', 'b'], 1) */
  kvPutMany(run: string, keys: readonly string[], value: Value): void {
    this.#kvPutMany(run, keys, value);
  }

  /** @example sql.kvGet('r', 'k') */
  kvGet(run: string, key: string): Value | undefined {
    const row = this.#kvGet.get(run, key);
    return row === undefined ? undefined : (JSON.parse(row.value) as Value);
  }

  /** Appends one event in its own transaction; returns its sequence. @example sql.append('r', 'x', {}) */
  append(run: string, type: string, payload: Value): number {
    return this.#appendOne(run, type, payload);
  }

  /** Appends many events in one transaction. @example sql.appendMany('r', 'x', [{}, {}]) */
  appendMany(run: string, type: string, payloads: readonly Value[]): void {
    this.#appendMany(run, type, payloads);
  }

  /** Events stored for `run` (for checks). @example sql.len('r') */
  len(run: string): number {
    const head = this.#head.get(run);
    return head === undefined ? 0 : head.seq + 1;
  }

  /**
   * Records `n` traces (a row indexed by type, time and parent, plus one row per tag) in one
   * transaction; `n = 1` is one transaction per trace.
   *
   * @example
   * sql.recordTraces('r', { type: 'thought', content: 'x' }, ['plan'], 1000);
   */
  recordTraces(run: string, trace: TraceType, tags: readonly string[], n: number): void {
    this.#recordMany(run, trace, tags, n);
  }

  #recordInTx(run: string, trace: TraceType, tags: readonly string[]): void {
    // The id AgentDB generates (nanoid), as glue code would: random primary keys, as AgentDB's are.
    const id = newId();
    const ts = Date.now();
    this.#insertTrace.run(
      run,
      id,
      trace.type,
      ts,
      JSON.stringify({ id, traceType: trace, timestamp: ts, tags }),
    );
    for (const tag of tags) this.#insertTag.run(run, tag, ts, id);
  }

  #appendInTx(run: string, type: string, payload: Value): number {
    const head = this.#head.get(run);
    const seq = head === undefined ? 0 : head.seq + 1;
    const prev = head?.hash ?? GENESIS;
    const ts = Date.now();
    const json = JSON.stringify(payload);
    const hash = createHash('sha256').update(`${seq}\n${type}\n${ts}\n${json}\n${prev}`).digest('hex');
    this.#insertEvent.run(run, seq, type, ts, json, prev, hash);
    return seq;
  }

  /** @example sql.close() */
  close(): void {
    this.#db.close();
  }
}
