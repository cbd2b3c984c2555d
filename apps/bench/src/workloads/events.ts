import { AgentDB } from '@agentdb/primitives';
import { SqliteGlue } from '../baselines/sqlite-glue.js';
import type { BenchContext } from '../context.js';
import { type Timing, timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { absolute, versus } from '../rows.js';
import { Scratch } from '../scratch.js';
import { EVENT_PAYLOAD } from './fixtures.js';

const RUN = 'bench';
const TARGET = 50_000;

/**
 * The event rows: 1,000 concurrent appenders on ONE run (≥ 50,000/s, zero conflicts) against
 * the better-sqlite3 hash-chain glue, and the same append at two log lengths (cost must not grow).
 */
export async function eventWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  const scratch = new Scratch();
  try {
    return [...(await concurrentAppend(ctx, scratch)), ...(await appendAtLength(ctx, scratch))];
  } finally {
    scratch.dispose();
  }
}

/**
 * Times `inFlight` concurrent appends to one run per iteration and checks what callers saw: every
 * append resolved, the engine counted no conflict, and the log holds exactly the events appended.
 */
async function measureAppends(
  db: AgentDB,
  { cfg }: BenchContext,
  lengthBefore: number,
): Promise<{ timing: Timing; conflicts: number }> {
  const n = cfg.inFlight;
  const conflicts0 = db.engine.stats().conflicts;
  let appended = 0;
  const timing = await timeOps(
    async () => {
      const all: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) all.push(db.events.append(RUN, 'tool_call', EVENT_PAYLOAD));
      await Promise.all(all); // any CONFLICT a caller saw would reject here and fail the bench
      appended += n;
    },
    n,
    cfg.budget,
  );
  const conflicts = db.engine.stats().conflicts - conflicts0;
  const len = await db.events.len(RUN);
  if (len !== lengthBefore + appended) {
    throw new Error(`event append bench: log has ${len} events, expected ${lengthBefore + appended}`);
  }
  return { timing, conflicts };
}

async function concurrentAppend(ctx: BenchContext, scratch: Scratch): Promise<BenchResult[]> {
  const { cfg, log } = ctx;
  const n = cfg.inFlight;
  const workload = `event append, ${n.toLocaleString('en-US')} concurrent appenders on one run`;
  log(workload);
  const db = await AgentDB.open({ path: scratch.dir('events'), durability: 'strict' });
  const sql = SqliteGlue.open(scratch.dir('sqlite-events'), 'FULL');
  try {
    const { timing: ours, conflicts } = await measureAppends(db, ctx, 0);
    const payloads = Array.from({ length: n }, () => EVENT_PAYLOAD);
    const sqlBatch = await timeOps(() => sql.appendMany(RUN, 'tool_call', payloads), n, cfg.budget);
    const each = cfg.sqlitePerOpCommits;
    const sqlEach = await timeOps(
      () => {
        for (let i = 0; i < each; i++) sql.append(RUN, 'tool_call', EVENT_PAYLOAD);
      },
      each,
      cfg.budget,
    );
    const m = {
      workload,
      ours,
      dataSize: 0,
      durability: 'strict' as const,
      extra: { conflicts, note: 'target: zero conflicts (engine stats delta) and no rejected append' },
    };
    return [
      absolute(m, TARGET, conflicts === 0),
      versus(m, `better-sqlite3 WAL sync=FULL + JS sha256 chain, all ${n} in 1 txn`, sqlBatch),
      versus(m, 'better-sqlite3 WAL sync=FULL + JS sha256 chain, 1 txn per append', sqlEach),
    ];
  } finally {
    sql.close();
    await db.close();
  }
}

/** Fills `RUN`'s log to `length` events in large buffered transactions. */
async function fillLog(db: AgentDB, length: number, batch: number): Promise<void> {
  for (let done = 0; done < length; done += batch) {
    const count = Math.min(batch, length - done);
    await db.transaction(RUN, (tx) => {
      // Handles settle after commit; the transaction resolving is all the fill needs.
      for (let i = 0; i < count; i++) tx.events.append('fill', { i: done + i });
    });
  }
}

async function appendAtLength(ctx: BenchContext, scratch: Scratch): Promise<BenchResult[]> {
  const { cfg, log } = ctx;
  const rows: BenchResult[] = [];
  let first: { length: number; timing: Timing } | undefined;
  for (const length of cfg.appendLengths) {
    const workload = `event append, ${cfg.inFlight.toLocaleString('en-US')} concurrent, at log length ${length.toLocaleString('en-US')}`;
    log(`${workload}: filling`);
    const path = scratch.dir('events-length');
    const filler = await AgentDB.open({ path, durability: 'buffered', sweepIntervalMs: 0 });
    const t0 = performance.now();
    await fillLog(filler, length, cfg.fillBatch);
    await filler.close();
    log(`  filled ${length} events in ${((performance.now() - t0) / 1000).toFixed(1)} s; measuring`);
    const db = await AgentDB.open({ path, durability: 'strict' });
    try {
      const { timing, conflicts } = await measureAppends(db, ctx, length);
      const m = {
        workload,
        ours: timing,
        dataSize: length,
        durability: 'strict' as const,
        extra: { conflicts },
      };
      if (first === undefined) {
        first = { length, timing };
        rows.push(absolute(m));
      } else {
        rows.push({
          ...versus(
            m,
            `same append at log length ${first.length.toLocaleString('en-US')}`,
            first.timing,
            0.5,
          ),
          target: '≥ 0.5 × rate at the short log (cost must not grow with length; 2× = noise margin)',
        });
      }
    } finally {
      await db.close();
    }
    scratch.dispose(); // a 1M-event log is hundreds of MB: drop it before the next size
  }
  return rows;
}
