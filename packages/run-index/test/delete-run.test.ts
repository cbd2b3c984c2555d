import { isAgentDBError, Key, registerTypeTag, runRange, systemRange, TypeTag } from '@agentdb/core';
import type { Database } from '@agentdb/engine';
import { describe, expect, it } from 'vitest';
import { countIn, indexProblems, keysIn, rejectionOf, useRuns } from './helpers.js';

const EXT = 0x10;
registerTypeTag(EXT, 'runIndexTestQueue');

/** Writes 15 keys under `runId` across KV, Event, State, Trace and the 0x10 extension tag. */
async function fillRun(db: Database, runId: string): Promise<number> {
  const keys = [
    Key.kv(runId, 'plan'),
    Key.kv(runId, 'cache:a'),
    Key.kv(runId, 'cache:b'),
    Key.event(runId, 0),
    Key.event(runId, 1),
    Key.event(runId, 2),
    Key.state(runId, 'phase'),
    Key.state(runId, 'budget'),
    Key.trace(runId, 'trace', 't1'),
    Key.trace(runId, 'by-tag', 'urgent', 1, 't1'),
    Key.trace(runId, 'by-time', 1, 't1'),
    Key.of(EXT, runId, 'msg', 0),
    Key.of(EXT, runId, 'msg', 1),
    Key.of(EXT, runId, 'head'),
    Key.of(EXT, runId, new Uint8Array([1, 2, 3])),
  ];
  await db.transaction((tx) => {
    for (const [i, k] of keys.entries()) tx.put(k, { i, runId });
  });
  return keys.length;
}

/** Every key and value of a run, for before/after comparison. */
async function contents(db: Database, runId: string): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const { key, value } of db.scan(runRange(runId)))
    out.push([Buffer.from(key).toString('hex'), value]);
  return out;
}

describe('deleteRun cascade', () => {
  const f = useRuns();

  it('also deletes entries whose TTL passed but which the sweeper has not removed yet', async () => {
    await f.runs.createRun({ runId: 'ttl-run' });
    await f.db.transaction((tx) => {
      tx.put(Key.kv('ttl-run', 'cache'), 1, { ttlMs: 10 });
      tx.put(Key.kv('ttl-run', 'plan'), 2);
    });
    f.clock.advance(100); // expired, not swept (the sweeper is off in tests)
    const stored = async () => {
      let n = 0;
      for await (const _ of f.db.scan(runRange('ttl-run'), { includeExpired: true })) n++;
      return n;
    };
    expect(await countIn(f.db, runRange('ttl-run'))).toBe(1); // reads hide the expired one…
    expect(await stored()).toBe(2); // …but it is still stored
    await f.runs.deleteRun('ttl-run');
    expect(await stored()).toBe(0);
  });

  it('removes the record, its index entries and every key under every tag; prefix-sharing siblings are untouched', async () => {
    for (const id of ['run', 'run1', 'run10', 'run1_']) {
      await f.runs.createRun({ runId: id, tags: ['x', 'y'] });
      await fillRun(f.db, id);
    }
    const tagsSeen = new Set((await keysIn(f.db, runRange('run1'))).map((k) => k.tag));
    expect([...tagsSeen].sort((a, b) => a - b)).toStrictEqual([
      TypeTag.KV,
      TypeTag.Event,
      TypeTag.State,
      TypeTag.Trace,
      EXT,
    ]);
    const siblings = {
      run: await contents(f.db, 'run'),
      run10: await contents(f.db, 'run10'),
      run1_: await contents(f.db, 'run1_'),
    };

    const { keysDeleted } = await f.runs.deleteRun('run1');

    // 15 data keys + the record + status, created and two tag entries.
    expect(keysDeleted).toBe(15 + 1 + 4);
    expect(await countIn(f.db, runRange('run1'))).toBe(0);
    expect(await f.runs.getRun('run1')).toBeUndefined();
    expect((await keysIn(f.db, systemRange())).some((k) => k.parts.includes('run1'))).toBe(false);
    expect({
      run: await contents(f.db, 'run'),
      run10: await contents(f.db, 'run10'),
      run1_: await contents(f.db, 'run1_'),
    }).toStrictEqual(siblings);
    expect(await f.runs.listRuns()).toStrictEqual(['run', 'run10', 'run1_']);
    expect(await f.runs.count()).toBe(3);
    expect(await indexProblems(f.db)).toStrictEqual([]);
    expect(await f.db.verify()).toStrictEqual({ ok: true, problems: [] });
  });

  it('a run with children is refused without recursive, and nothing changes', async () => {
    await f.runs.createRun({ runId: 'root' });
    await f.runs.createRun({ runId: 'kid', parentRunId: 'root' });
    await fillRun(f.db, 'root');
    const version = f.db.stats().version;
    const error = await rejectionOf(f.runs.deleteRun('root'));
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(String(error)).toContain('kid');
    expect(f.db.stats().version).toBe(version);
    expect(await countIn(f.db, runRange('root'))).toBe(15);
  });

  it('recursive deletes every descendant and its data, and nothing else', async () => {
    // root ─┬─ c1 ── g1 ── gg1
    //       └─ c2
    // other (unrelated) ── o1
    const tree: [string, string | undefined][] = [
      ['root', undefined],
      ['c1', 'root'],
      ['c2', 'root'],
      ['g1', 'c1'],
      ['gg1', 'g1'],
      ['other', undefined],
      ['o1', 'other'],
    ];
    for (const [id, parent] of tree) {
      await f.runs.createRun(
        parent === undefined ? { runId: id, tags: ['t'] } : { runId: id, parentRunId: parent, tags: ['t'] },
      );
      await fillRun(f.db, id);
    }
    const others = { other: await contents(f.db, 'other'), o1: await contents(f.db, 'o1') };
    const { keysDeleted } = await f.runs.deleteRun('root', { recursive: true });
    // 5 runs × (15 data keys + record + status + created + 1 tag) + 4 parent entries.
    expect(keysDeleted).toBe(5 * 19 + 4);
    for (const id of ['root', 'c1', 'c2', 'g1', 'gg1']) {
      expect(await countIn(f.db, runRange(id))).toBe(0);
      expect(await f.runs.exists(id)).toBe(false);
    }
    expect({ other: await contents(f.db, 'other'), o1: await contents(f.db, 'o1') }).toStrictEqual(others);
    expect(await f.runs.listRuns()).toStrictEqual(['o1', 'other']);
    expect(await f.runs.count()).toBe(2);
    expect(await indexProblems(f.db)).toStrictEqual([]);
    expect((await f.db.verify()).ok).toBe(true);
  });

  it('deleting a child removes it from its parent’s children', async () => {
    await f.runs.createRun({ runId: 'p' });
    await f.runs.createRun({ runId: 'k1', parentRunId: 'p' });
    await f.runs.createRun({ runId: 'k2', parentRunId: 'p' });
    await f.runs.deleteRun('k1');
    expect((await f.runs.getChildRuns('p')).map((r) => r.runId)).toStrictEqual(['k2']);
    expect(await indexProblems(f.db)).toStrictEqual([]);
  });

  it('purges the data of a run id the index never knew; NOT_FOUND when there is nothing at all', async () => {
    await fillRun(f.db, 'loose');
    expect(await f.runs.deleteRun('loose')).toStrictEqual({ keysDeleted: 15 });
    expect(await countIn(f.db, runRange('loose'))).toBe(0);
    const error = await rejectionOf(f.runs.deleteRun('loose'));
    expect(isAgentDBError(error, 'NOT_FOUND')).toBe(true);
  });

  it('a key written into the run while the delete is in flight is deleted too (the scan is re-checked at commit)', async () => {
    await f.runs.createRun({ runId: 'r' });
    await fillRun(f.db, 'r');
    let attempts = 0;
    const result = await f.db.transaction(
      async (tx) => {
        attempts++;
        const out = await f.runs.in(tx).deleteRun();
        // Another writer commits into the run after our scan: our commit must not miss it.
        if (attempts === 1) await f.db.transaction((other) => other.put(Key.kv('r', 'late'), 1));
        return out;
      },
      { runId: 'r' },
    );
    expect(attempts).toBe(2);
    expect(result.keysDeleted).toBe(16 + 1 + 2);
    expect(await countIn(f.db, runRange('r'))).toBe(0);
  });

  it('in a transaction view, the delete commits or aborts with the other writes', async () => {
    await f.runs.createRun({ runId: 'r' });
    await fillRun(f.db, 'r');
    const error = await rejectionOf(
      f.db.transaction(
        async (tx) => {
          await f.runs.in(tx).deleteRun();
          expect(await f.runs.in(tx).count()).toBe(0);
          throw new Error('abort');
        },
        { runId: 'r' },
      ),
    );
    expect(String(error)).toContain('abort');
    expect(await countIn(f.db, runRange('r'))).toBe(15);
    expect(await f.runs.count()).toBe(1);
    await f.db.transaction(
      async (tx) => {
        await f.runs.in(tx).deleteRun();
        tx.put(Key.kv('audit', 'deleted'), 'r');
      },
      { runId: 'r' },
    );
    expect(await countIn(f.db, runRange('r'))).toBe(0);
    expect(await f.db.get(Key.kv('audit', 'deleted'))).toBe('r');
  });
});
