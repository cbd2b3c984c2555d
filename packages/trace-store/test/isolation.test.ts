import { Key, runRange } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Fixture, fixture, ids, runKeys } from './helpers.js';

const thought = (content: string) => ({ type: 'thought', content }) as const;

/** Records the same shape of data in a run: a root with two tagged children. */
async function seed(f: Fixture, runId: string): Promise<{ root: string; kids: string[] }> {
  const root = await f.traces.record(runId, thought(`${runId} root`), { id: 'root', tags: ['shared'] });
  f.clock.advance(1);
  const a = await f.traces.recordChild(runId, root, thought('a'), { id: 'a', tags: ['shared', runId] });
  f.clock.advance(1);
  const kids = [
    a,
    await f.traces.recordChild(runId, root, { type: 'custom', name: 'plan', data: runId }, { id: 'b' }),
  ];
  return { root, kids };
}

describe('runs', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.t.dispose());

  it("one run's traces are invisible to every query of another, even with equal ids and tags", async () => {
    await seed(f, 'run1');
    // run10 has run1 as a textual prefix: their key ranges still must not overlap.
    await f.traces.record('run10', thought('other'), { id: 'only10', tags: ['shared'] });
    expect(ids(await f.traces.list('run1'))).toEqual(['root', 'a', 'b']);
    expect(ids(await f.traces.list('run10'))).toEqual(['only10']);
    expect(ids(await f.traces.queryByTag('run10', 'shared'))).toEqual(['only10']);
    expect(ids(await f.traces.queryByTag('run1', 'shared'))).toEqual(['root', 'a']);
    expect(await f.traces.queryByType('run10', 'plan')).toEqual([]);
    expect(await f.traces.get('run10', 'root')).toBeUndefined();
    expect(await f.traces.getChildren('run10', 'root')).toEqual([]);
    expect(await f.traces.getTree('run10', 'root')).toBeUndefined();
    expect(ids(await f.traces.getRoots('run10'))).toEqual(['only10']);
    expect(await f.traces.count('run1')).toBe(3);
    expect(await f.traces.count('run10')).toBe(1);
    expect(await f.traces.count('run2')).toBe(0);
    const now = f.clock();
    expect(ids(await f.traces.queryByTime('run10', now, now + 1))).toEqual(['only10']);
  });

  it("everything is gone after the run's key range is deleted, and the other run is untouched", async () => {
    await seed(f, 'gone');
    await seed(f, 'kept');
    await f.db.transaction(async (tx) => {
      tx.put(Key.kv('gone', 'note'), 'kv data of the run goes too');
    });
    await f.db.transaction(async (tx) => {
      for await (const { key } of tx.scan(runRange('gone'))) tx.delete(key);
    });
    expect(await runKeys(f.db, 'gone')).toEqual([]);
    const now = f.clock();
    expect(await f.traces.list('gone')).toEqual([]);
    expect(await f.traces.count('gone')).toBe(0);
    expect(await f.traces.get('gone', 'root')).toBeUndefined();
    expect(await f.traces.exists('gone', 'a')).toBe(false);
    expect(await f.traces.queryByTag('gone', 'shared')).toEqual([]);
    expect(await f.traces.queryByType('gone', 'plan')).toEqual([]);
    expect(await f.traces.queryByTime('gone', 0, now + 1)).toEqual([]);
    expect(await f.traces.getRoots('gone')).toEqual([]);
    expect(await f.traces.getChildren('gone', 'root')).toEqual([]);
    expect(await f.traces.getTree('gone', 'root')).toBeUndefined();
    expect(ids(await f.traces.list('kept'))).toEqual(['root', 'a', 'b']);
    // The run can be used again from scratch, ids included.
    await seed(f, 'gone');
    expect(await f.traces.count('gone')).toBe(3);
    expect((await f.db.verify()).ok).toBe(true);
  });
});
