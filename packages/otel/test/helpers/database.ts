import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB, type Trace, type TraceTree } from '@agentdb/primitives';

/** Databases opened by a test file, closed and removed by `disposeDatabases`. */
const opened: { db: AgentDB; dir: string }[] = [];

/**
 * A real AgentDB in a fresh temporary directory.
 *
 * @example
 * const db = await openDatabase();
 */
export async function openDatabase(opts: { clock?: () => number } = {}): Promise<AgentDB> {
  const dir = tempDir('agentdb-otel-');
  const db = await AgentDB.open({ path: dir, sweepIntervalMs: 0, ...opts });
  opened.push({ db, dir });
  return db;
}

/** Closes and removes every database `openDatabase` opened. Call in `afterEach`/`afterAll`. */
export async function disposeDatabases(): Promise<void> {
  for (const { db, dir } of opened.splice(0)) {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const DEMO = fileURLToPath(new URL('../../../../apps/demo/dist/main.js', import.meta.url));
/** The run the demo app records: a plan with tool calls, decisions, a worker subtree. */
export const DEMO_RUN = 's1-fix-flaky-test';
/** The demo's forked child run, which fails with an `error` trace. */
export const DEMO_FAILED_RUN = 's1-fix-flaky-test-alt';

/**
 * The database the demo app (apps/demo) leaves behind after one session, opened here. The demo is the
 * project's realistic agent run: nested tool calls with durations, decisions, tags, metadata, a failed run.
 *
 * @example
 * const db = await demoDatabase();
 */
export async function demoDatabase(): Promise<AgentDB> {
  const dir = tempDir('agentdb-otel-demo-');
  const demo = spawnSync(process.execPath, [DEMO, '--dir', dir], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (demo.status !== 0) throw new Error(`the demo failed (${demo.status}): ${demo.stderr}`);
  const db = await AgentDB.open({ path: dir, sweepIntervalMs: 0 });
  opened.push({ db, dir });
  return db;
}

/** A trace without its timestamp (set by the recording database's clock, so never equal across copies). */
export type TimelessTrace = Omit<Trace, 'timestamp'>;
export interface TimelessTree {
  trace: TimelessTrace;
  children: TimelessTree[];
}

function timeless(tree: TraceTree): TimelessTree {
  const { timestamp: _, ...trace } = tree.trace;
  const children = tree.children.map(timeless).sort((a, b) => (a.trace.id < b.trace.id ? -1 : 1));
  return { trace, children };
}

/**
 * Every tree of `runId` with timestamps left out and siblings in id order: what must survive a round trip.
 *
 * @example
 * expect(await forest(copy, run)).toEqual(await forest(db, run));
 */
export async function forest(db: AgentDB, runId: string): Promise<TimelessTree[]> {
  const out: TimelessTree[] = [];
  for (const root of await db.traces.getRoots(runId)) {
    const tree = await db.traces.getTree(runId, root.id);
    if (tree !== undefined) out.push(timeless(tree));
  }
  return out.sort((a, b) => (a.trace.id < b.trace.id ? -1 : 1));
}
