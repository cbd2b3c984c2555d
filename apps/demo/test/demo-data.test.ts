import { rmSync } from 'node:fs';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB, type RunMetadata } from '@agentdb/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from './run-demo.js';

// What the demo claims, checked against the database itself after two sessions.
describe('the database the demo leaves behind', () => {
  const dir = tempDir('agentdb-demo-data-');
  let db: AgentDB;
  let runs: RunMetadata[];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) expect(runDemo(['--dir', dir]).code).toBe(0);
    db = await AgentDB.open({ path: dir });
    runs = await db.runs.queryRuns({ tag: 'agentdb-demo' });
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds two sessions of runs: each parent completed, each forked child failed with its error', async () => {
    expect(runs.map((r) => [r.runId, r.status, r.parentRunId])).toEqual([
      ['s1-fix-flaky-test', 'completed', undefined],
      ['s1-fix-flaky-test-alt', 'failed', 's1-fix-flaky-test'],
      ['s2-fix-flaky-test', 'completed', undefined],
      ['s2-fix-flaky-test-alt', 'failed', 's2-fix-flaky-test'],
    ]);
    const child = runs[1]!;
    expect(child.error).toBe('40 of 960 test runs still fail with a longer timeout');
    expect(child.completedAt).toBeTypeOf('number');
    expect((await db.runs.getChildRuns('s1-fix-flaky-test')).map((r) => r.runId)).toEqual([
      's1-fix-flaky-test-alt',
    ]);
  });

  it('has the event counts the demo printed, every chain verifying, one shipped event per parent', async () => {
    for (const s of [1, 2]) {
      expect(await db.events.len(`s${s}-fix-flaky-test`)).toBe(18);
      expect(await db.events.len(`s${s}-fix-flaky-test-alt`)).toBe(4);
      expect(
        (await db.events.readByType(`s${s}-fix-flaky-test`, 'patch_shipped')).map((e) => e.sequence),
      ).toEqual([17]);
      expect((await db.events.readByType(`s${s}-fix-flaky-test`, 'task_claimed')).length).toBe(4);
    }
    for (const r of runs)
      expect(await db.events.verifyChain(r.runId)).toEqual({
        valid: true,
        length: await db.events.len(r.runId),
      });
  });

  it('has the trace trees: 15 + 4 traces, the worker calls under the dispatch decision, no trace of the rolled-back attempt', async () => {
    const run = 's2-fix-flaky-test';
    expect(await db.traces.count(run)).toBe(15);
    expect(await db.traces.count(`${run}-alt`)).toBe(4);
    expect((await db.traces.getRoots(run)).map((t) => t.id)).toEqual(['01-plan']);
    const workers = await db.traces.getChildren(run, '07-dispatch');
    expect(workers.map((t) => t.tags[0])).toEqual(['worker-a', 'worker-b', 'worker-a', 'worker-b']);
    expect(await db.traces.exists(run, 'rolled-back-ship')).toBe(false);
    expect((await db.traces.queryByTag(run, 'release')).length).toBe(1);
    expect((await db.traces.queryByTag(run, 'cache-hit')).length).toBe(2);
    expect((await db.traces.queryByType(`${run}-alt`, 'error')).map((t) => t.parentId)).toEqual([
      '03-run_tests',
    ]);
  });

  it('has the state cells: the queue claimed two and two at v5, the phase "shipped" at v4', async () => {
    const queue = await db.state.read('s1-fix-flaky-test', 'queue');
    expect(queue?.version).toBe(5);
    expect(queue?.value).toEqual({
      pending: [],
      claimed: {
        'reproduce-locally': 'worker-a',
        'inspect-retry-code': 'worker-b',
        'bisect-history': 'worker-a',
        'read-ci-log': 'worker-b',
      },
    });
    expect(await db.state.read('s1-fix-flaky-test', 'phase')).toMatchObject({ value: 'shipped', version: 4 });
  });

  it('has the KV entries: the release and changelog, and the cached tool results (the 25 ms one expired)', async () => {
    const run = 's1-fix-flaky-test';
    expect(await db.kv.get(run, 'release')).toEqual({ version: '2.3.1', fix: 'fake-clock' });
    expect(await db.kv.exists(run, 'changelog')).toBe(true);
    expect(await db.kv.list(run, { prefix: 'tool:' })).toEqual([
      'tool:fetch_ci_log:{"build":4812}',
      'tool:read_file:{"path":"checkout/src/retry.ts"}',
      'tool:search_code:{"query":"payment retry timeout"}',
    ]);
  });

  it('is clean by the engine’s own check against its commit log', async () => {
    expect(await db.engine.verify()).toEqual({ ok: true, problems: [] });
  });
});
