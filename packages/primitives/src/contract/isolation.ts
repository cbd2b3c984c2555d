import { decodeKey, runRange } from '@agentdb/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentDB } from '../index.js';
import { indexProblems } from './index-checker.js';
import { type AgentFixture, openFixture, type PrimitivesSubject } from './subject.js';

// `run1` is a prefix of `run10`: the classic way for a range to leak into a neighbour.
const RUNS = ['run1', 'run10'] as const;

/** Writes the very same keys, cell names, event types, trace ids and tags into `runId`, with values naming the run. */
async function fill(db: AgentDB, runId: string): Promise<void> {
  await db.runs.createRun({ runId, tags: ['shared-tag'], metadata: { owner: runId } });
  await db.transaction(runId, async (tx) => {
    await tx.kv.put('plan', { owner: runId });
    await tx.kv.put('plan:2', runId);
    await tx.state.init('phase', `${runId}:planning`);
    tx.events.append('tool_call', { owner: runId });
    tx.events.append('tool_call', { owner: runId, n: 2 });
    await tx.traces.record({ type: 'thought', content: runId }, { id: 'root', tags: ['shared-tag'] });
    await tx.traces.recordChild(
      'root',
      { type: 'custom', name: 'step', data: runId },
      { id: 'leaf', tags: ['shared-tag'] },
    );
  });
}

/** What one run looks like through every primitive. */
async function view(db: AgentDB, runId: string) {
  return {
    kv: await db.kv.listWithValues(runId),
    state: await Promise.all((await db.state.list(runId)).map((n) => db.state.read(runId, n))),
    events: (await db.events.readByType(runId, 'tool_call')).map((e) => e.payload),
    len: await db.events.len(runId),
    chain: await db.events.verifyChain(runId),
    traces: (await db.traces.queryByTag(runId, 'shared-tag')).map((t) => [t.id, t.traceType]),
    tree: (await db.traces.getTree(runId, 'root'))?.children.map((c) => c.trace.id),
    count: await db.traces.count(runId),
    run: await db.runs.getRun(runId),
  };
}

/** Run isolation: two runs with the same names in every primitive never see each other, on `subject`'s engine. */
export function isolationSuite(name: string, subject: PrimitivesSubject): void {
  describe(`run isolation across every primitive at once (${name})`, () => {
    let f: AgentFixture;
    beforeAll(async () => {
      f = await openFixture(subject);
      for (const run of RUNS) await fill(f.db, run);
    });
    afterAll(() => f.dispose());

    it.each(RUNS)('%s sees only its own data under the shared names', async (run) => {
      const v = await view(f.db, run);
      expect(v.kv).toEqual([
        { key: 'plan', value: { owner: run } },
        { key: 'plan:2', value: run },
      ]);
      expect(v.state.map((s) => s?.value)).toEqual([`${run}:planning`]);
      expect(v.events).toEqual([{ owner: run }, { owner: run, n: 2 }]);
      expect(v.len).toBe(2);
      expect(v.chain).toEqual({ valid: true, length: 2 });
      expect(v.traces).toEqual([
        ['leaf', { type: 'custom', name: 'step', data: run }],
        ['root', { type: 'thought', content: run }],
      ]);
      expect(v.tree).toEqual(['leaf']);
      expect(v.count).toBe(2);
      expect(v.run).toMatchObject({ runId: run, metadata: { owner: run }, status: 'active' });
    });

    it('the run range of run1 holds keys of run1 only', async () => {
      const owners = new Set<string>();
      for await (const { key } of f.db.engine.scan(runRange('run1'))) owners.add(decodeKey(key).runId);
      expect([...owners]).toEqual(['run1']);
    });

    it('changing, then deleting run1 through every primitive leaves run10 exactly as it was', async () => {
      const before = await view(f.db, 'run10');
      await f.db.transaction('run1', async (tx) => {
        await tx.kv.delete('plan');
        await tx.state.set('phase', 'acting');
        tx.events.append('tool_call', { more: true });
        await tx.traces.record({ type: 'thought', content: 'more' }, { tags: ['shared-tag'] });
        await tx.runs.completeRun();
      });
      expect(await view(f.db, 'run10')).toEqual(before);
      const { keysDeleted } = await f.db.runs.deleteRun('run1');
      expect(keysDeleted).toBeGreaterThan(0);
      expect(await view(f.db, 'run10')).toEqual(before);
      expect(await f.db.runs.queryRuns({ tag: 'shared-tag' })).toEqual([before.run]);
      let left = 0;
      for await (const _ of f.db.engine.scan(runRange('run1'))) left++;
      expect(left).toBe(0);
      expect(await indexProblems(f.db.engine)).toEqual([]);
      expect((await f.db.engine.verify()).ok).toBe(true);
    });
  });
}
