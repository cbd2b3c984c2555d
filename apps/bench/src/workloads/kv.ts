import { AgentDB } from '@agentdb/primitives';
import { RawLmdb } from '../baselines/raw-lmdb.js';
import { SqliteGlue } from '../baselines/sqlite-glue.js';
import type { BenchContext } from '../context.js';
import { timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { versus } from '../rows.js';
import { Scratch } from '../scratch.js';
import { KV_VALUE } from './fixtures.js';

const RUN = 'bench';
const SQLITE_PER_PUT = 'better-sqlite3 WAL sync=FULL, 1 txn per put';

/**
 * The KV rows: puts with 1,000 in flight (strict, plus an informational buffered row), hot
 * gets, and sequential durable commits — each against raw lmdb-js and the better-sqlite3 glue, in
 * this process and run.
 */
export async function kvWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  const scratch = new Scratch();
  try {
    return [
      ...(await putInFlight(ctx, scratch, 'strict')),
      ...(await putInFlight(ctx, scratch, 'buffered')),
      ...(await hotGet(ctx, scratch)),
      ...(await sequentialCommits(ctx, scratch)),
    ];
  } finally {
    scratch.dispose();
  }
}

/** Fresh key names for one iteration: every iteration inserts, none overwrites. */
function keyNames(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
}

async function putInFlight(
  { cfg, log }: BenchContext,
  scratch: Scratch,
  durability: 'strict' | 'buffered',
): Promise<BenchResult[]> {
  const n = cfg.inFlight;
  const strict = durability === 'strict';
  const workload = `KV put, ${n.toLocaleString('en-US')} in flight`;
  log(`${workload} (${durability})`);
  const db = await AgentDB.open({ path: scratch.dir('kv-put'), durability });
  const raw = RawLmdb.open(scratch.dir('raw-put'));
  const sql = SqliteGlue.open(scratch.dir('sqlite-put'), strict ? 'FULL' : 'NORMAL');
  try {
    let round = 0;
    const rawT = await timeOps(
      () =>
        raw.putBatch(
          keyNames(`r${round++}`, n).map((k) => [RUN, k]),
          KV_VALUE,
          strict,
        ),
      n,
      cfg.budget,
    );
    const conflicts0 = db.engine.stats().conflicts;
    const ours = await timeOps(
      () => Promise.all(keyNames(`a${round++}`, n).map((k) => db.kv.put(RUN, k, KV_VALUE))),
      n,
      cfg.budget,
    );
    const conflicts = db.engine.stats().conflicts - conflicts0;
    const sqlBatch = await timeOps(
      () => sql.kvPutMany(RUN, keyNames(`s${round++}`, n), KV_VALUE),
      n,
      cfg.budget,
    );
    const m = { workload, ours, dataSize: 0, durability, extra: { conflicts } };
    const rows = [
      versus(m, `lmdb-js batched put${strict ? ' + await flushed' : ''}`, rawT, strict ? 0.5 : undefined),
      versus(m, `better-sqlite3 WAL sync=${strict ? 'FULL' : 'NORMAL'}, all ${n} in 1 txn`, sqlBatch),
    ];
    if (strict) {
      // 1,000 independent callers on SQLite each commit (and fsync) on their own.
      const m2 = cfg.sqlitePerOpCommits;
      const sqlEach = await timeOps(
        () => {
          for (const k of keyNames(`e${round++}`, m2)) sql.kvPut(RUN, k, KV_VALUE);
        },
        m2,
        cfg.budget,
      );
      rows.push(versus(m, SQLITE_PER_PUT, sqlEach, 1));
    }
    return rows;
  } finally {
    sql.close();
    await raw.close();
    await db.close();
  }
}

async function hotGet({ cfg, log }: BenchContext, scratch: Scratch): Promise<BenchResult[]> {
  const n = cfg.hotKeys;
  const workload = 'KV get (hot)';
  log(workload);
  const keys = keyNames('hot', n);
  const db = await AgentDB.open({ path: scratch.dir('kv-get'), durability: 'strict' });
  const raw = RawLmdb.open(scratch.dir('raw-get'));
  const sql = SqliteGlue.open(scratch.dir('sqlite-get'), 'FULL');
  try {
    await db.transaction(RUN, async (tx) => {
      for (const k of keys) await tx.kv.put(k, KV_VALUE);
    });
    await raw.putBatch(
      keys.map((k) => [RUN, k]),
      KV_VALUE,
      true,
    );
    sql.kvPutMany(RUN, keys, KV_VALUE);
    let misses = 0;
    const rawT = await timeOps(
      () => {
        for (const k of keys) if (raw.get([RUN, k]) === undefined) misses++;
      },
      n,
      cfg.budget,
    );
    const reads0 = db.engine.stats().reads;
    let oursCalls = 0;
    const ours = await timeOps(
      async () => {
        for (const k of keys) if ((await db.kv.get(RUN, k)) === undefined) misses++;
        oursCalls += n;
      },
      n,
      cfg.budget,
    );
    const readsPerOp = (db.engine.stats().reads - reads0) / oursCalls;
    const sqlT = await timeOps(
      () => {
        for (const k of keys) if (sql.kvGet(RUN, k) === undefined) misses++;
      },
      n,
      cfg.budget,
    );
    if (misses !== 0) throw new Error(`KV get bench: ${misses} preloaded keys were missing`);
    const m = { workload, ours, dataSize: n, durability: 'strict' as const, extra: { readsPerOp } };
    return [versus(m, 'lmdb-js get', rawT, 0.5), versus(m, 'better-sqlite3 SELECT + JSON.parse', sqlT, 1)];
  } finally {
    sql.close();
    await raw.close();
    await db.close();
  }
}

async function sequentialCommits({ cfg, log }: BenchContext, scratch: Scratch): Promise<BenchResult[]> {
  const n = cfg.sequentialCommits;
  const workload = 'sequential durable commits, each awaited';
  log(workload);
  const db = await AgentDB.open({ path: scratch.dir('kv-seq'), durability: 'strict' });
  const raw = RawLmdb.open(scratch.dir('raw-seq'));
  const sql = SqliteGlue.open(scratch.dir('sqlite-seq'), 'FULL');
  try {
    let round = 0;
    const rawT = await timeOps(
      () => {
        for (const k of keyNames(`r${round++}`, n)) raw.putDurable([RUN, k], KV_VALUE);
      },
      n,
      cfg.budget,
    );
    const ours = await timeOps(
      async () => {
        for (const k of keyNames(`a${round++}`, n)) await db.kv.put(RUN, k, KV_VALUE);
      },
      n,
      cfg.budget,
    );
    const sqlT = await timeOps(
      () => {
        for (const k of keyNames(`s${round++}`, n)) sql.kvPut(RUN, k, KV_VALUE);
      },
      n,
      cfg.budget,
    );
    const m = { workload, ours, dataSize: 0, durability: 'strict' as const };
    return [
      versus(m, 'lmdb-js transactionSync (put)', rawT, 0.8),
      versus(m, 'better-sqlite3 WAL sync=FULL, 1 txn per put', sqlT, 1),
    ];
  } finally {
    sql.close();
    await raw.close();
    await db.close();
  }
}
