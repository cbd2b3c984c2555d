import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB, type Event, type MutationHandle } from '@agentdb/primitives';
import { createViewer, type Viewer } from '../../src/index.js';

const DEMO = fileURLToPath(new URL('../../../../apps/demo/dist/main.js', import.meta.url));

/** The demo's runs after two sessions: a parent and its forked child per session. */
export const DEMO_RUNS = {
  parent: 's1-fix-flaky-test',
  child: 's1-fix-flaky-test-alt',
  parent2: 's2-fix-flaky-test',
  child2: 's2-fix-flaky-test-alt',
} as const;

/**
 * A database as the demo app (apps/demo, the project's main program) leaves it after two sessions:
 * nested trace trees, hash-chained events, CAS-coordinated state, KV with TTLs, a failed child run.
 *
 * @example
 * const dir = demoDatabase();
 */
export function demoDatabase(): string {
  const dir = tempDir('agentdb-viewer-demo-');
  for (let session = 0; session < 2; session++) {
    const r = spawnSync(process.execPath, [DEMO, '--dir', dir], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (r.status !== 0) throw new Error(`the demo failed (${r.status}): ${r.stderr}`);
  }
  return dir;
}

/** The shape of the generated large database. */
export const LARGE = {
  runs: 10_000,
  bigRun: 'big-run',
  events: 100_000,
  /** Traces of the big run: `roots` roots, each with `perRoot` children, the first child of each with `grandchildren`. */
  roots: 100,
  perRoot: 90,
  grandchildren: 9,
} as const;
/** 100 × (1 + 90 + 9) = 10,000 traces. */
export const LARGE_TRACES = LARGE.roots * (1 + LARGE.perRoot + LARGE.grandchildren);

/**
 * A database with 10,000 runs (statuses and tags spread over them, every tenth a child of the run
 * before it) and one run with 100,000 events and 10,000 traces in a three-level tree. Written in
 * large transactions with buffered durability: this is a fixture, not a benchmark.
 *
 * @example
 * const dir = await largeDatabase();
 */
export async function largeDatabase(): Promise<string> {
  const dir = tempDir('agentdb-viewer-large-');
  const db = await AgentDB.open({ path: dir, durability: 'buffered', sweepIntervalMs: 0 });
  try {
    await db.runs.createRun({ runId: LARGE.bigRun, name: 'A very long run', tags: ['big'] });
    for (let base = 1; base < LARGE.runs; base += 1000) {
      await db.engine.transaction(async (tx) => {
        for (let i = base; i < Math.min(LARGE.runs, base + 1000); i++) {
          const runId = `run-${String(i).padStart(5, '0')}`;
          const parent = i % 10 === 0 ? `run-${String(i - 1).padStart(5, '0')}` : undefined;
          await db.runs.in(tx, runId).createRun({
            name: `generated run ${i}`,
            tags: [i % 2 === 0 ? 'even' : 'odd', ...(i % 7 === 0 ? ['seventh'] : [])],
            ...(parent === undefined ? {} : { parentRunId: parent }),
          });
          if (i % 3 === 0) await db.runs.in(tx, runId).completeRun();
          else if (i % 3 === 1 && i % 5 === 0) await db.runs.in(tx, runId).failRun(`error in run ${i}`);
        }
      });
    }
    const big = LARGE.bigRun;
    for (let base = 0; base < LARGE.events; base += 5000) {
      const handles: MutationHandle<Event>[] = [];
      await db.transaction(big, (tx) => {
        for (let i = base; i < base + 5000; i++)
          handles.push(
            tx.events.append(i % 2 === 0 ? 'tool_call' : 'tool_result', { step: i, ok: i % 11 !== 0 }),
          );
      });
      await Promise.all(handles);
    }
    for (let r = 0; r < LARGE.roots; r++) {
      await db.transaction(big, async (tx) => {
        const root = await tx.traces.record(
          { type: 'thought', content: `step ${r}: plan the next tool call` },
          { id: `root-${r}`, tags: ['plan'] },
        );
        for (let c = 0; c < LARGE.perRoot; c++) {
          const id = await tx.traces.recordChild(
            root,
            {
              type: 'tool_call',
              toolName: 'search',
              arguments: { q: `query ${r}.${c}` },
              result: [c],
              durationMs: c,
            },
            { id: `call-${r}-${c}` },
          );
          if (c === 0) {
            for (let g = 0; g < LARGE.grandchildren; g++) {
              await tx.traces.recordChild(
                id,
                { type: 'error', errorType: 'Timeout', message: `attempt ${g} slow`, recoverable: true },
                { id: `err-${r}-${g}` },
              );
            }
          }
        }
      });
    }
  } finally {
    await db.close();
  }
  return dir;
}

/** A viewer on a read-only open of `dir`, on a free port. */
export interface OpenViewer {
  db: AgentDB;
  viewer: Viewer;
  url(path?: string): string;
  close(): Promise<void>;
}

/**
 * Opens `dir` read-only (as `agentdb <dir> ui` does) and starts a viewer on it.
 *
 * @example
 * const v = await openViewer(dir); await page.goto(v.url('/runs/x')); await v.close();
 */
export async function openViewer(dir: string): Promise<OpenViewer> {
  const db = await AgentDB.open({ path: dir, readOnly: true, durability: 'buffered', sweepIntervalMs: 0 });
  const viewer = await createViewer(db, { port: 0 });
  return {
    db,
    viewer,
    url: (path = '/') => new URL(path, viewer.url).href,
    async close() {
      await viewer.close();
      await db.close();
    },
  };
}

/** Removes a database directory. @example removeDir(dir) */
export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
