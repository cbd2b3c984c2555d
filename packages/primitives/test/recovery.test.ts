import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { indexProblems } from '../src/contract/index-checker.js';
import { AgentDB } from '../src/index.js';

const WRITER = fileURLToPath(new URL('./fixtures/mixed-writer.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const WORKERS = 4;

/** What the child acknowledged: one message per committed transaction. */
interface Ack {
  w: number;
  c: number;
  sequence: number;
  shared: number;
}

/**
 * Runs the writer until it has acknowledged `atLeast` transactions, then SIGKILLs it — at once, or
 * `delayMs` later, while it keeps committing (where the kill lands does not change what must hold).
 */
function runAndKill(path: string, atLeast: number, delayMs: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [WRITER, path, String(WORKERS)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    const acks: Ack[] = [];
    let err = '';
    child.on('message', (m) => {
      acks.push(m as Ack);
      if (acks.length === atLeast) {
        if (delayMs === 0) child.kill('SIGKILL');
        else setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`writer exited on its own: ${err}`));
    });
  });
}

/**
 * Checks every run of the workload as a whole: each worker's last committed step C (from kv) must be
 * matched, part for part, by the state cell, the event log, the traces and the run record, and every
 * acknowledged step must be at or below it. Returns the last committed step per worker.
 */
async function checkWhole(db: AgentDB, acks: Ack[]): Promise<number[]> {
  const last: number[] = [];
  let sharedExpected = 0;
  for (let w = 0; w < WORKERS; w++) {
    const run = `mix-${w}`;
    const stored = await db.kv.get(run, 'step');
    const mine = acks.filter((a) => a.w === w);
    if (stored === undefined) {
      // Not even step 0 committed: then nothing of the run may exist and nothing was acknowledged.
      expect(mine).toEqual([]);
      expect(await db.events.len(run)).toBe(0);
      expect(await db.runs.getRun(run)).toBeUndefined();
      last.push(-1);
      continue;
    }
    const C = stored as number;
    last.push(C);
    sharedExpected += C + 1;
    for (const a of mine) {
      expect(a.c, `acknowledged step ${a.c} of worker ${w} survived`).toBeLessThanOrEqual(C);
      expect(a.sequence).toBe(a.c);
    }
    const steps = Array.from({ length: C + 1 }, (_, c) => c);
    // kv: the counter and one entry per step.
    expect((await db.kv.list(run)).sort()).toEqual(['step', ...steps.map((c) => `step-${c}`)].sort());
    expect(
      await db.kv.getMany(
        run,
        steps.map((c) => `step-${c}`),
      ),
    ).toEqual(steps.map((c) => ({ w, c })));
    // state: the same counter, one version per step.
    expect(await db.state.read(run, 'counter')).toMatchObject({ value: C, version: C + 1 });
    // events: one per step, in step order, with a valid chain.
    expect((await db.events.readRange(run, 0, C + 2)).map((e) => e.payload)).toEqual(
      steps.map((c) => ({ w, c })),
    );
    expect(await db.events.verifyChain(run)).toEqual({ valid: true, length: C + 1 });
    // traces: one per step, each the child of the previous one.
    expect(await db.traces.count(run)).toBe(C + 1);
    expect((await db.traces.queryByTag(run, 'step')).length).toBe(C + 1);
    expect((await db.traces.queryByType(run, 'step')).map((t) => t.traceType)).toEqual(
      expect.arrayContaining([{ type: 'custom', name: 'step', data: { w, c: C } }]),
    );
    const leaf = await db.traces.get(run, `w${w}-s${C}`);
    expect(leaf?.parentId).toBe(C > 0 ? `w${w}-s${C - 1}` : undefined);
    expect((await db.traces.getRoots(run)).map((t) => t.id)).toEqual([`w${w}-s0`]);
    // run: the record changed by the same transactions.
    expect(await db.runs.getRun(run)).toMatchObject({
      status: C > 0 && C % 2 === 1 ? 'paused' : 'active',
      metadata: { step: C },
      tags: ['mix'],
    });
  }
  // The shared log holds exactly one event per committed step of every worker, and every acknowledged one.
  const shared = await db.events.readRange('mix-all', 0, sharedExpected + 1);
  expect(shared.length).toBe(sharedExpected);
  const seen = new Set(shared.map((e) => JSON.stringify(e.payload)));
  expect(seen.size).toBe(sharedExpected);
  for (let w = 0; w < WORKERS; w++)
    for (let c = 0; c <= last[w]!; c++) expect(seen.has(JSON.stringify({ w, c }))).toBe(true);
  for (const a of acks) expect(shared[a.shared]?.payload).toEqual({ w: a.w, c: a.c });
  expect(await db.events.verifyChain('mix-all')).toEqual({ valid: true, length: sharedExpected });
  expect((await db.runs.queryRuns({ tag: 'mix' })).length).toBe(last.filter((c) => c >= 0).length);
  return last;
}

describe('recovery after SIGKILL of a mixed five-primitive workload (strict durability)', () => {
  const path = tempDir();
  afterAll(() => rmSync(path, { recursive: true, force: true }));

  it('keeps every acknowledged transaction whole, every chain and index consistent, and verify() clean', async () => {
    expect(existsSync(BUILT), 'build the package first (npx tsc -p tsconfig.build.json)').toBe(true);
    const acks: Ack[] = [];
    let previous = [-1, -1, -1, -1];
    for (const round of [1, 2]) {
      acks.push(...(await runAndKill(path, 120, round === 1 ? 0 : 5)));
      const db = await AgentDB.open({ path, durability: 'strict', sweepIntervalMs: 0 });
      try {
        const last = await checkWhole(db, acks);
        // The second writer resumed from the recovered state and made progress on it.
        for (let w = 0; w < WORKERS; w++) expect(last[w]).toBeGreaterThanOrEqual(previous[w]!);
        expect(last.reduce((a, b) => a + b + 1, 0)).toBeGreaterThanOrEqual(120 * round);
        previous = last;
        expect(await indexProblems(db.engine)).toEqual([]);
        expect(await db.engine.verify()).toEqual({ ok: true, problems: [] });
      } finally {
        await db.close();
      }
    }
  });
});
