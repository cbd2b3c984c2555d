import { AgentDB, type AgentTransaction } from '@agentdb/primitives';
import type { BenchContext } from '../context.js';
import { type Timing, timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { absolute, versus } from '../rows.js';
import { Scratch } from '../scratch.js';
import { KV_VALUE, TOOL_CALL_VALUE } from './fixtures.js';

const RUN = 'scale';
const NEEDLE = 'needle';
const HAY = 'hay';

/** One query of the scaling set: how to run it, and how many results it must return. */
interface Query {
  name: string;
  run: (db: AgentDB) => Promise<number>;
  expected: (matches: number) => number;
}

const QUERIES: Query[] = [
  {
    name: 'traces.queryByTag',
    run: async (db) => (await db.traces.queryByTag(RUN, NEEDLE)).length,
    expected: (m) => m,
  },
  {
    name: 'events.readByType',
    run: async (db) => (await db.events.readByType(RUN, NEEDLE)).length,
    expected: (m) => m,
  },
  {
    name: "runs.queryRuns({ status: 'failed' })",
    run: async (db) => (await db.runs.queryRuns({ status: 'failed' })).length,
    expected: (m) => m,
  },
  {
    name: "kv.list({ prefix: 'needle/' })",
    run: async (db) => (await db.kv.list(RUN, { prefix: `${NEEDLE}/` })).length,
    expected: (m) => m,
  },
  { name: 'events.len', run: (db) => db.events.len(RUN), expected: () => -1 },
  {
    name: 'traces.getTree',
    run: async (db) => countNodes(await db.traces.getTree(RUN, treeId(0))),
    expected: (m) => m,
  },
];

function countNodes(t: { children: unknown[] } | undefined): number {
  if (t === undefined) return 0;
  let n = 1;
  for (const c of t.children as { children: unknown[] }[]) n += countNodes(c);
  return n;
}

const treeId = (i: number) => `tree-${i}`;

/**
 * The scaling rows: each index-backed query returns the same `scalingMatches` results at
 * every data size, so its time and its engine reads (`stats().reads`) per query should not grow with
 * the size. The largest size is compared to the smallest.
 */
export async function scalingWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  const { cfg, log } = ctx;
  const scratch = new Scratch();
  const dbs: { size: number; db: AgentDB }[] = [];
  try {
    for (const size of cfg.scalingSizes) {
      log(`scaling: filling ${size.toLocaleString('en-US')} traces, events, runs and kv entries`);
      const db = await AgentDB.open({
        path: scratch.dir('scale'),
        durability: 'buffered',
        sweepIntervalMs: 0,
      });
      dbs.push({ size, db });
      const t0 = performance.now();
      await fill(db, size, cfg.scalingMatches, cfg.fillBatch);
      log(`  filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    // Every query runs on every size before any is timed, so no size pays for the JIT warm-up.
    log('scaling: querying');
    for (const q of QUERIES) for (const { db } of dbs) for (let i = 0; i < 20; i++) await q.run(db);
    const rows: BenchResult[] = [];
    for (const q of QUERIES) {
      let smallest: { size: number; timing: Timing; reads: number } | undefined;
      for (const { size, db } of dbs) {
        const expected = q.name === 'events.len' ? size : q.expected(cfg.scalingMatches);
        const reads0 = db.engine.stats().reads;
        const got = await q.run(db);
        const reads = db.engine.stats().reads - reads0;
        if (got !== expected) throw new Error(`${q.name} at ${size}: ${got} results, expected ${expected}`);
        const timing = await timeOps(() => q.run(db), 1, cfg.budget);
        const resultsPerOp = q.name === 'events.len' ? 1 : expected;
        const m = {
          workload: `${q.name} (${resultsPerOp} result${resultsPerOp === 1 ? '' : 's'})`,
          ours: timing,
          dataSize: size,
          durability: 'buffered' as const,
          extra: { readsPerOp: reads, resultsPerOp },
        };
        if (smallest === undefined) {
          smallest = { size, timing, reads };
          rows.push(absolute(m));
          continue;
        }
        // Reads are exact and load-independent; time gets a 2× margin for the shared machine.
        const flatReads = reads <= smallest.reads * 1.1 + 2;
        const row = versus(
          m,
          `same query at ${smallest.size.toLocaleString('en-US')} records`,
          smallest.timing,
          0.5,
        );
        rows.push({
          ...row,
          target: 'reads/query not above the small size (+10%), time ≥ 0.5 × small-size rate',
          met: flatReads && row.met === true,
        });
      }
    }
    return rows;
  } finally {
    for (const { db } of dbs) await db.close();
    scratch.dispose();
  }
}

/**
 * Writes `size` records of each kind in transactions of `batch` (buffered): traces (one tree of
 * `matches` nodes, `matches` traces tagged `needle`, the rest `hay`), events (`matches` of type
 * `needle`), runs (`matches` failed, the rest active) and kv keys (`matches` under `needle/`).
 * Matches are spread evenly through the data, so a query cannot win by reading a prefix.
 */
async function fill(db: AgentDB, size: number, matches: number, batch: number): Promise<void> {
  const every = Math.floor(size / matches);
  if (every < 2) throw new Error(`scaling: ${size} records cannot hold ${matches} matches of each kind`);
  // Match j sits at index j·every + every − 1; tree node j (traces only) at j·every.
  const isNeedle = (i: number) => i % every === every - 1 && Math.floor(i / every) < matches;
  const treeNode = (i: number) => (i % every === 0 && i / every < matches ? i / every : -1);
  const inBatches = async (fn: (tx: AgentTransaction, i: number) => Promise<void> | void) => {
    for (let start = 0; start < size; start += batch) {
      const end = Math.min(size, start + batch);
      await db.transaction(RUN, async (tx) => {
        for (let i = start; i < end; i++) await fn(tx, i);
      });
    }
  };
  // Traces: tree nodes form a 10-ary tree under tree-0 (parents come earlier); the rest are roots.
  await inBatches(async (tx, i) => {
    const node = treeNode(i);
    if (node === 0) await tx.traces.record(TOOL_CALL_VALUE, { id: treeId(0), tags: [HAY] });
    else if (node > 0) {
      const parentId = treeId(Math.floor((node - 1) / 10));
      await tx.traces.record(TOOL_CALL_VALUE, { id: treeId(node), parentId, tags: [HAY] });
    } else await tx.traces.record(TOOL_CALL_VALUE, { tags: [isNeedle(i) ? NEEDLE : HAY] });
  });
  await inBatches((tx, i) => {
    tx.events.append(isNeedle(i) ? NEEDLE : HAY, { i });
  });
  await inBatches(async (tx, i) => {
    const run = db.runs.in(tx.tx, `run-${i}`);
    await run.createRun({ name: `run ${i}` });
    if (isNeedle(i)) await run.failRun('boom');
  });
  await inBatches(async (tx, i) => {
    await tx.kv.put(`${isNeedle(i) ? NEEDLE : HAY}/${String(i).padStart(8, '0')}`, KV_VALUE);
  });
}
