import { AgentDB } from '@agentdb/primitives';
import { RawLmdb, type RawPut } from '../baselines/raw-lmdb.js';
import { RawEventLog, RawTraces } from '../baselines/raw-records.js';
import { SqliteGlue } from '../baselines/sqlite-glue.js';
import type { BenchContext } from '../context.js';
import { type Timing, timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { versus } from '../rows.js';
import { Scratch } from '../scratch.js';
import { EVENT_PAYLOAD, KV_VALUE, TOOL_CALL_VALUE } from './fixtures.js';

const RUN = 'bench';
const TAGS = ['web', 'search'] as const;

/** One batched workload: the same writes on AgentDB, the SQLite glue and raw lmdb-js, each in ONE transaction. */
interface Batched {
  name: (n: number) => string;
  ours: (db: AgentDB, n: number, round: number) => Promise<unknown>;
  sqlite: { label: string; run: (sql: SqliteGlue, n: number, round: number) => void };
  raw: { label: string; make: () => (put: RawPut, n: number, round: number) => void };
}

const keys = (round: number, n: number) => Array.from({ length: n }, (_, i) => `b${round}-${i}`);

const BATCHED: Batched[] = [
  {
    name: (n) => `${n.toLocaleString('en-US')} KV puts in one transaction`,
    ours: (db, n, round) =>
      db.transaction(RUN, (tx) => Promise.all(keys(round, n).map((k) => tx.kv.put(k, KV_VALUE)))),
    sqlite: {
      label: 'better-sqlite3 WAL sync=FULL, the same puts in 1 txn',
      run: (sql, n, round) => sql.kvPutMany(RUN, keys(round, n), KV_VALUE),
    },
    raw: {
      label: 'lmdb-js, the same puts in 1 txn',
      make: () => (put, n, round) => {
        for (const k of keys(round, n)) put([RUN, k], KV_VALUE);
      },
    },
  },
  {
    name: (n) => `${n.toLocaleString('en-US')} event appends in one transaction`,
    ours: (db, n) =>
      db.transaction(RUN, (tx) => {
        for (let i = 0; i < n; i++) tx.events.append('tool_call', EVENT_PAYLOAD);
      }),
    sqlite: {
      label: 'better-sqlite3 WAL sync=FULL + sha256 chain (node:crypto), the same appends in 1 txn',
      run: (sql, n) =>
        sql.appendMany(
          RUN,
          'tool_call',
          Array.from({ length: n }, () => EVENT_PAYLOAD),
        ),
    },
    raw: {
      label: 'lmdb-js + sha256 (node:crypto): record, type index, head — in 1 txn',
      make: () => {
        const log = new RawEventLog(RUN);
        return (put, n) => {
          for (let i = 0; i < n; i++) log.append(put, 'tool_call', EVENT_PAYLOAD);
          log.flush(put);
        };
      },
    },
  },
  {
    name: (n) => `${n.toLocaleString('en-US')} trace records (2 tags) in one transaction`,
    ours: (db, n) =>
      db.transaction(RUN, (tx) =>
        Promise.all(Array.from({ length: n }, () => tx.traces.record(TOOL_CALL_VALUE, { tags: [...TAGS] }))),
      ),
    sqlite: {
      label: 'better-sqlite3 WAL sync=FULL, trace rows + type/time/parent/tag indices, in 1 txn',
      run: (sql, n) => sql.recordTraces(RUN, TOOL_CALL_VALUE, TAGS, n),
    },
    raw: {
      label: 'lmdb-js: record + type, time, root, 2 tag entries, count — in 1 txn',
      make: () => {
        const traces = new RawTraces(RUN);
        return (put, n) => {
          for (let i = 0; i < n; i++) traces.record(put, TOOL_CALL_VALUE, TAGS);
          traces.flush(put);
        };
      },
    },
  },
];

/**
 * The batched rows: 1,000 KV puts, event appends or trace records in ONE AgentDB
 * transaction (strict), against the better-sqlite3 glue doing the same writes in one SQLite
 * transaction (target ≥ 1.0×) and against raw lmdb-js writing the same entries in one write
 * transaction (target ≥ 0.5×) — the normal way to use either, measured back to back.
 */
export async function batchedWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  const rows: BenchResult[] = [];
  for (const w of BATCHED) rows.push(...(await measureBatched(ctx, w)));
  return rows;
}

async function measureBatched({ cfg, log }: BenchContext, w: Batched): Promise<BenchResult[]> {
  const n = cfg.inFlight;
  const workload = w.name(n);
  log(workload);
  const scratch = new Scratch();
  const db = await AgentDB.open({ path: scratch.dir('batched'), durability: 'strict' });
  const raw = RawLmdb.open(scratch.dir('raw-batched'));
  const sql = SqliteGlue.open(scratch.dir('sqlite-batched'), 'FULL');
  try {
    let round = 0;
    const fill = w.raw.make();
    const rawT = await timeOps(() => raw.write('one-txn', (put) => fill(put, n, round++)), n, cfg.budget);
    const conflicts0 = db.engine.stats().conflicts;
    const ours: Timing = await timeOps(() => w.ours(db, n, round++), n, cfg.budget);
    const conflicts = db.engine.stats().conflicts - conflicts0;
    const sqlT = await timeOps(() => w.sqlite.run(sql, n, round++), n, cfg.budget);
    const m = { workload, ours, dataSize: 0, durability: 'strict' as const, extra: { conflicts } };
    return [versus(m, w.sqlite.label, sqlT, 1), versus(m, w.raw.label, rawT, 0.5)];
  } finally {
    sql.close();
    await raw.close();
    await db.close();
    scratch.dispose();
  }
}
