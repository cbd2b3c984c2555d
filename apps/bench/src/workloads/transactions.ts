import { AgentDB, type Engine, type Event } from '@agentdb/primitives';
import { RawLmdb, type RawPut } from '../baselines/raw-lmdb.js';
import { RawEventLog, RawTraces } from '../baselines/raw-records.js';
import { SqliteGlue } from '../baselines/sqlite-glue.js';
import type { BenchContext } from '../context.js';
import { timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { versus } from '../rows.js';
import { Scratch } from '../scratch.js';
import { KV_VALUE, TOOL_CALL_VALUE } from './fixtures.js';

const RUN = 'bench';
const TAGS = ['web', 'search'] as const;

/**
 * Multi-write rows (strict), each with `inFlight` concurrent callers on one run: the cross-primitive
 * transaction (kv put + event append + state set + trace record) and trace record with tags. Their
 * limit is raw lmdb-js writing the same entries (≥ 0.5×); trace record also runs against the SQLite
 * glue with one transaction per trace (the same shape, ≥ 1.0×).
 */
export async function transactionWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  const scratch = new Scratch();
  try {
    return [await crossPrimitive(ctx, scratch), ...(await traceRecord(ctx, scratch))];
  } finally {
    scratch.dispose();
  }
}

/**
 * One cross-primitive transaction of caller `i` in round `r`: kv put + event append + state set +
 * trace record on one run; resolves to the appended event. Shared by the LMDB and PostgreSQL rows.
 *
 * @example
 * await Promise.all(Array.from({ length: 1000 }, (_, i) => crossPrimitiveTxn(db, 0, i)));
 */
export async function crossPrimitiveTxn(db: AgentDB<Engine>, r: number, i: number): Promise<Event> {
  let pending!: PromiseLike<Event>;
  await db.transaction(RUN, async (tx) => {
    await tx.kv.put(`k${r}-${i}`, KV_VALUE);
    pending = tx.events.append('step', { worker: i, round: r });
    // One cell per concurrent worker: distinct cells never conflict, the same cell would (by design).
    await tx.state.set(`worker-${i}`, { round: r });
    await tx.traces.record({ type: 'thought', content: 'next step' }, { tags: ['plan'] });
  });
  return pending;
}

async function crossPrimitive({ cfg, log }: BenchContext, scratch: Scratch): Promise<BenchResult> {
  const n = cfg.inFlight;
  const workload = `cross-primitive txn (kv put + event append + state set + trace record), ${n.toLocaleString('en-US')} in flight`;
  log(workload);
  const db = await AgentDB.open({ path: scratch.dir('cross'), durability: 'strict' });
  const raw = RawLmdb.open(scratch.dir('raw-cross'));
  try {
    let round = 0;
    const rawLog = new RawEventLog(RUN);
    const rawTraces = new RawTraces(RUN);
    const rawT = await timeOps(
      () => {
        const r = round++;
        return raw.write('in-flight', (put: RawPut) => {
          for (let i = 0; i < n; i++) {
            put([RUN, 'kv', `k${r}-${i}`], KV_VALUE);
            rawLog.append(put, 'step', { worker: i, round: r });
            put([RUN, 'state', `worker-${i}`], { value: { round: r }, version: r + 1 });
            rawTraces.record(put, { type: 'thought', content: 'next step' }, ['plan']);
          }
          rawLog.flush(put);
          rawTraces.flush(put);
        });
      },
      n,
      cfg.budget,
    );
    const conflicts0 = db.engine.stats().conflicts;
    const one = (r: number, i: number) => crossPrimitiveTxn(db, r, i);
    const ours = await timeOps(
      () => {
        const r = round++;
        return Promise.all(Array.from({ length: n }, (_, i) => one(r, i)));
      },
      n,
      cfg.budget,
    );
    const conflicts = db.engine.stats().conflicts - conflicts0;
    return versus(
      {
        workload,
        ours,
        dataSize: 0,
        durability: 'strict',
        extra: {
          conflicts,
          note: 'each txn writes its own kv key, state cell and trace; all append to one log',
        },
      },
      'lmdb-js + sha256: the same entries, batched puts + await flushed',
      rawT,
      0.5,
    );
  } finally {
    await raw.close();
    await db.close();
  }
}

async function traceRecord({ cfg, log }: BenchContext, scratch: Scratch): Promise<BenchResult[]> {
  const n = cfg.inFlight;
  const workload = `trace record with 2 tags (5 index entries), ${n.toLocaleString('en-US')} in flight`;
  log(workload);
  const db = await AgentDB.open({ path: scratch.dir('traces'), durability: 'strict' });
  const raw = RawLmdb.open(scratch.dir('raw-traces'));
  const sql = SqliteGlue.open(scratch.dir('sqlite-traces'), 'FULL');
  try {
    const rawTraces = new RawTraces(RUN);
    const rawT = await timeOps(
      () =>
        raw.write('in-flight', (put) => {
          for (let i = 0; i < n; i++) rawTraces.record(put, TOOL_CALL_VALUE, TAGS);
          rawTraces.flush(put);
        }),
      n,
      cfg.budget,
    );
    const each = cfg.sqlitePerOpCommits;
    const sqlEach = await timeOps(
      () => {
        for (let i = 0; i < each; i++) sql.recordTraces(RUN, TOOL_CALL_VALUE, TAGS, 1);
      },
      each,
      cfg.budget,
    );
    const conflicts0 = db.engine.stats().conflicts;
    const ours = await timeOps(
      () =>
        Promise.all(
          Array.from({ length: n }, () => db.traces.record(RUN, TOOL_CALL_VALUE, { tags: [...TAGS] })),
        ),
      n,
      cfg.budget,
    );
    const conflicts = db.engine.stats().conflicts - conflicts0;
    const m = { workload, ours, dataSize: 0, durability: 'strict' as const, extra: { conflicts } };
    return [
      versus(
        m,
        'lmdb-js: record + type, time, root, 2 tag entries, count — batched puts + await flushed',
        rawT,
        0.5,
      ),
      versus(m, 'better-sqlite3 WAL sync=FULL, trace row + indices, 1 txn per trace', sqlEach, 1),
    ];
  } finally {
    sql.close();
    await raw.close();
    await db.close();
  }
}
