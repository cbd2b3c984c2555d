import { AgentDB, type Engine, type Event } from '@agentdb/primitives';
import type { BenchContext } from '../context.js';
import { timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { absolute } from '../rows.js';
import { Scratch } from '../scratch.js';
import { KV_VALUE, TOOL_CALL_VALUE } from './fixtures.js';

const RUN = 'bench';

/**
 * The multi-write rows (absolute targets, strict): the cross-primitive transaction
 * (kv put + event append + state set + trace record, ≥ 50,000/s) and trace record with tags
 * (≥ 30,000/s), each with `inFlight` concurrent callers on one run.
 */
export async function transactionWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  const scratch = new Scratch();
  try {
    return [await crossPrimitive(ctx, scratch), await traceRecord(ctx, scratch)];
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
  try {
    let round = 0;
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
    return absolute(
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
      50_000,
    );
  } finally {
    await db.close();
  }
}

async function traceRecord({ cfg, log }: BenchContext, scratch: Scratch): Promise<BenchResult> {
  const n = cfg.inFlight;
  const workload = `trace record with 2 tags (5 index entries), ${n.toLocaleString('en-US')} in flight`;
  log(workload);
  const db = await AgentDB.open({ path: scratch.dir('traces'), durability: 'strict' });
  try {
    const conflicts0 = db.engine.stats().conflicts;
    const ours = await timeOps(
      () =>
        Promise.all(
          Array.from({ length: n }, () =>
            db.traces.record(RUN, TOOL_CALL_VALUE, { tags: ['web', 'search'] }),
          ),
        ),
      n,
      cfg.budget,
    );
    const conflicts = db.engine.stats().conflicts - conflicts0;
    return absolute({ workload, ours, dataSize: 0, durability: 'strict', extra: { conflicts } }, 30_000);
  } finally {
    await db.close();
  }
}
