import { isAgentDBError, Key, runRange, systemRange } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { RunIndex } from '../src/index.js';
import { countIn, indexProblems, keysIn, rejectionOf, useRuns } from './helpers.js';

describe('createRun and getRun', () => {
  const f = useRuns();

  it('creates an active run with a random id, now as createdAt/updatedAt, no tags and {} metadata', async () => {
    const run = await f.runs.createRun();
    expect(run.runId).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(run).toStrictEqual({
      runId: run.runId,
      status: 'active',
      createdAt: f.clock(),
      updatedAt: f.clock(),
      tags: [],
      metadata: {},
    });
    expect(await f.runs.getRun(run.runId)).toStrictEqual(run);
    expect(await f.runs.exists(run.runId)).toBe(true);
  });

  it('stores name, parent, tags and any Value as metadata, and reads them back equal', async () => {
    await f.runs.createRun({ runId: 'parent' });
    const metadata = { big: 2n ** 70n, at: new Date(5), raw: new Uint8Array([1, 2]), nested: [{ z: -0 }] };
    const run = await f.runs.createRun({
      runId: 'child',
      name: 'Triage',
      parentRunId: 'parent',
      tags: ['b', 'a'],
      metadata,
    });
    expect(run).toMatchObject({ name: 'Triage', parentRunId: 'parent', tags: ['b', 'a'], metadata });
    expect(await f.runs.getRun('child')).toStrictEqual(run);
  });

  it('drops duplicate tags, keeping the first occurrence order', async () => {
    const run = await f.runs.createRun({ runId: 'r', tags: ['x', 'y', 'x', 'z', 'y'] });
    expect(run.tags).toStrictEqual(['x', 'y', 'z']);
    expect(await countIn(f.db, systemRange('tag'))).toBe(3);
  });

  it('a missing run reads as undefined / false', async () => {
    expect(await f.runs.getRun('nope')).toBeUndefined();
    expect(await f.runs.exists('nope')).toBe(false);
  });

  it('a duplicate run id is ALREADY_EXISTS and changes nothing', async () => {
    const first = await f.runs.createRun({ runId: 'r', tags: ['a'] });
    const version = f.db.stats().version;
    f.clock.advance(1);
    const error = await rejectionOf(f.runs.createRun({ runId: 'r', tags: ['b'] }));
    expect(isAgentDBError(error, 'ALREADY_EXISTS')).toBe(true);
    expect(f.db.stats().version).toBe(version);
    expect(await f.runs.getRun('r')).toStrictEqual(first);
  });

  it('a missing parent is NOT_FOUND and changes nothing', async () => {
    const error = await rejectionOf(f.runs.createRun({ runId: 'r', parentRunId: 'ghost' }));
    expect(isAgentDBError(error, 'NOT_FOUND')).toBe(true);
    expect(await f.runs.exists('r')).toBe(false);
    expect(f.db.stats().version).toBe(0);
  });

  it('exactly one of 20 concurrent creates of one id wins; the rest are ALREADY_EXISTS', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => f.runs.createRun({ runId: 'race', metadata: i })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect(isAgentDBError(r.reason, 'ALREADY_EXISTS')).toBe(true);
    }
    expect(await f.runs.count()).toBe(1);
    expect(await indexProblems(f.db)).toStrictEqual([]);
  });
});

describe('tags and metadata', () => {
  const f = useRuns();

  it('addTags and removeTags move index entries with the record', async () => {
    await f.runs.createRun({ runId: 'r', tags: ['a'] });
    f.clock.advance(7);
    const added = await f.runs.addTags('r', ['b', 'a', 'c', 'b']);
    expect(added.tags).toStrictEqual(['a', 'b', 'c']);
    expect(added.updatedAt).toBe(f.clock());
    expect((await f.runs.queryRuns({ tag: 'c' })).map((r) => r.runId)).toStrictEqual(['r']);
    const removed = await f.runs.removeTags('r', ['a', 'zzz']);
    expect(removed.tags).toStrictEqual(['b', 'c']);
    expect(await f.runs.queryRuns({ tag: 'a' })).toStrictEqual([]);
    expect(await indexProblems(f.db)).toStrictEqual([]);
  });

  it('adding tags the run has, or removing ones it lacks, writes nothing', async () => {
    await f.runs.createRun({ runId: 'r', tags: ['a'] });
    const version = f.db.stats().version;
    await f.runs.addTags('r', ['a']);
    await f.runs.removeTags('r', ['b']);
    expect(f.db.stats().version).toBe(version);
  });

  it('tag "a" never matches tag "a__b" (exact tuple parts)', async () => {
    await f.runs.createRun({ runId: 'r1', tags: ['a__b'] });
    await f.runs.createRun({ runId: 'r2', tags: ['a'] });
    expect((await f.runs.queryRuns({ tag: 'a' })).map((r) => r.runId)).toStrictEqual(['r2']);
  });

  it('updateMetadata replaces the metadata and bumps updatedAt', async () => {
    await f.runs.createRun({ runId: 'r', metadata: { a: 1, b: 2 } });
    f.clock.advance(3);
    const run = await f.runs.updateMetadata('r', { c: [3n] });
    expect(run.metadata).toStrictEqual({ c: [3n] });
    expect(run.updatedAt).toBe(f.clock());
    expect(await f.runs.getRun('r')).toStrictEqual(run);
  });
});

describe('listRuns, count and getChildRuns', () => {
  const f = useRuns();

  it('listRuns orders by creation time, then id', async () => {
    f.clock.set(2_000);
    await f.runs.createRun({ runId: 'b' });
    await f.runs.createRun({ runId: 'a' });
    f.clock.set(1_000);
    await f.runs.createRun({ runId: 'z' });
    expect(await f.runs.listRuns()).toStrictEqual(['z', 'a', 'b']);
  });

  it('count is one read, exact across creates and deletes, and survives reopen', async () => {
    await Promise.all(Array.from({ length: 30 }, (_, i) => f.runs.createRun({ runId: `r${i}` })));
    await f.runs.deleteRun('r3');
    const before = f.db.stats().reads;
    expect(await f.runs.count()).toBe(29);
    expect(f.db.stats().reads - before).toBe(1);
    const db = await f.t.reopen();
    expect(await new RunIndex(db).count()).toBe(29);
  });

  it('getChildRuns lists direct children only, by creation time', async () => {
    await f.runs.createRun({ runId: 'root' });
    f.clock.advance(1);
    await f.runs.createRun({ runId: 'kid2', parentRunId: 'root' });
    f.clock.advance(1);
    await f.runs.createRun({ runId: 'kid1', parentRunId: 'root' });
    await f.runs.createRun({ runId: 'grandkid', parentRunId: 'kid1' });
    expect((await f.runs.getChildRuns('root')).map((r) => r.runId)).toStrictEqual(['kid2', 'kid1']);
    expect((await f.runs.getChildRuns('kid1')).map((r) => r.runId)).toStrictEqual(['grandkid']);
    expect(await f.runs.getChildRuns('nobody')).toStrictEqual([]);
  });
});

describe('transaction view', () => {
  const f = useRuns();

  it('creates the bound run atomically with other writes, and sees its own writes', async () => {
    await f.db.transaction(
      async (tx) => {
        const view = f.runs.in(tx);
        await view.createRun({ tags: ['t'] });
        tx.put(Key.kv('r1', 'plan'), 'go');
        expect(await view.getRun()).toMatchObject({ runId: 'r1', status: 'active' });
        expect(await view.count()).toBe(1);
        await view.completeRun();
        expect((await view.queryRuns({ tag: 't' })).map((r) => r.status)).toStrictEqual(['completed']);
        expect(await view.listRuns()).toStrictEqual(['r1']);
        expect(await view.exists()).toBe(true);
        expect(await view.getChildRuns()).toStrictEqual([]);
      },
      { runId: 'r1' },
    );
    expect(await f.runs.getRun('r1')).toMatchObject({ status: 'completed' });
    expect(await f.runs.count()).toBe(1);
  });

  it('an aborted transaction leaves no record, index entry or count', async () => {
    const error = await rejectionOf(
      f.db.transaction(async (tx) => {
        await f.runs.in(tx, 'r1').createRun({ tags: ['t'] });
        throw new Error('changed my mind');
      }),
    );
    expect(String(error)).toContain('changed my mind');
    expect(await countIn(f.db, systemRange())).toBe(0);
    expect(await f.runs.count()).toBe(0);
  });

  it('needs a run id from the call or the transaction', async () => {
    const error = await rejectionOf(f.db.transaction(async (tx) => f.runs.in(tx).getRun()));
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
  });
});

describe('the reserved namespace', () => {
  const f = useRuns();

  it('a user run named "system" cannot see or touch run-index keys', async () => {
    await f.runs.createRun({ runId: 'other', tags: ['t'] });
    await f.runs.createRun({ runId: 'system', tags: ['t'] });
    await f.db.transaction((tx) => tx.put(Key.kv('system', 'k'), 1));
    // Its whole user range holds only its own data, none of the index.
    const seen = await keysIn(f.db, runRange('system'));
    expect(seen).toStrictEqual([{ namespace: 'user', runId: 'system', tag: 1, parts: ['k'] }]);
    // Every run-index key lives in the system namespace.
    const index = await keysIn(f.db, systemRange());
    expect(index.length).toBeGreaterThan(0);
    expect(index.every((k) => k.namespace === 'system')).toBe(true);
    // Deleting the user run "system" removes its data and its own record only.
    await f.runs.deleteRun('system');
    expect(await f.runs.listRuns()).toStrictEqual(['other']);
    expect(await indexProblems(f.db)).toStrictEqual([]);
  });
});
