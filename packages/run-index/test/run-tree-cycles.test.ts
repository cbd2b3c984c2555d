import { encodeValue, type Value } from '@agentdb/core';
import { openRawData } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import { RunIndex, type RunMetadata } from '../src/index.js';
import { indexKeysOf, indexValue, recordKey, toRecord } from '../src/layout.js';
import { indexProblems, useRuns } from './helpers.js';

// The run tree must stay a tree: restoreRun refuses a parent that is the run itself or one of its
// descendants (repro-restore-cycle.mjs made a cycle, after which deleteRun({ recursive }) never settled
// and starved the event loop). A tree damaged into a cycle on disk must still not hang anything.

describe('restoreRun refuses to make the run tree cyclic', () => {
  const f = useRuns();

  /** a ← b ← c (c's parent is b, b's parent is a), and a lone run s. */
  async function tree(): Promise<Record<'a' | 'b' | 'c' | 's', RunMetadata>> {
    const a = await f.runs.createRun({ runId: 'a' });
    const b = await f.runs.createRun({ runId: 'b', parentRunId: 'a' });
    const c = await f.runs.createRun({ runId: 'c', parentRunId: 'b' });
    const s = await f.runs.createRun({ runId: 's' });
    return { a, b, c, s };
  }

  async function refusedUnchanged(p: () => Promise<unknown>, message: RegExp): Promise<void> {
    const before = await f.db.stats().version;
    await expect(p()).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(message),
    });
    expect(f.db.stats().version).toBe(before);
    expect(await indexProblems(f.db)).toEqual([]);
  }

  it.each([
    ['its own child', 'a', 'b'],
    ['its grandchild', 'a', 'c'],
    ['its own child, one level down', 'b', 'c'],
  ] as const)(
    'a run whose new parent is %s (%s under %s) → INVALID_ARGUMENT, nothing written',
    async (_n, run, parent) => {
      const runs = await tree();
      await refusedUnchanged(
        () => f.runs.restoreRun({ ...runs[run], parentRunId: parent }, { replace: true }),
        /descendant .* cycle/,
      );
      expect((await f.runs.getRun(run))?.parentRunId).toBe(runs[run].parentRunId);
    },
  );

  it('a run that is its own parent → INVALID_ARGUMENT, with or without replace, facade or view', async () => {
    const { s } = await tree();
    await refusedUnchanged(
      () => f.runs.restoreRun({ ...s, parentRunId: 's' }, { replace: true }),
      /own parent/,
    );
    await refusedUnchanged(() => f.runs.restoreRun({ ...s, runId: 'new', parentRunId: 'new' }), /own parent/);
    await refusedUnchanged(
      () =>
        f.db.transaction((tx) =>
          f.runs.in(tx, 's').restoreRun({ ...s, parentRunId: 's' }, { replace: true }),
        ),
      /own parent/,
    );
  });

  it('moving a run under a run outside its subtree is fine, and recursive delete follows the new tree', async () => {
    const { c } = await tree();
    await f.runs.restoreRun({ ...c, parentRunId: 's' }, { replace: true });
    expect((await f.runs.getChildRuns('s')).map((r) => r.runId)).toEqual(['c']);
    expect(await f.runs.deleteRun('a', { recursive: true })).toMatchObject({
      keysDeleted: expect.any(Number),
    });
    expect(await f.runs.listRuns()).toEqual(['c', 's'].sort());
    expect(await indexProblems(f.db)).toEqual([]);
  });
});

describe('a run tree damaged into a cycle on disk cannot hang the process', () => {
  const f = useRuns();

  /** Rewrites `run` in place (record and index entries) with `parentRunId`, bypassing every check. */
  async function reparentOnDisk(run: RunMetadata, parentRunId: string): Promise<void> {
    await f.db.close();
    const raw = await openRawData(f.t.path);
    const stored = (v: Value) => Uint8Array.of(0, ...encodeValue(v)); // flags byte 0: no expiry
    for (const key of indexKeysOf(run)) raw.remove(key);
    const moved: RunMetadata = { ...run, parentRunId };
    for (const key of indexKeysOf(moved)) raw.put(key, stored(indexValue(moved)), 1);
    raw.put(recordKey(run.runId), stored(toRecord(moved)));
    await raw.close();
    f.db = await f.t.reopen();
    f.runs = new RunIndex(f.db);
  }

  it('a ↔ b: children queries answer, recursive delete removes both, and the index is consistent', async () => {
    const a = await f.runs.createRun({ runId: 'a' });
    await f.runs.createRun({ runId: 'b', parentRunId: 'a' });
    await reparentOnDisk(a, 'b');
    expect((await f.runs.getChildRuns('b')).map((r) => r.runId)).toEqual(['a']);
    expect((await f.runs.getChildRuns('a')).map((r) => r.runId)).toEqual(['b']);
    await expect(f.runs.deleteRun('a')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const { keysDeleted } = await f.runs.deleteRun('a', { recursive: true });
    expect(keysDeleted).toBeGreaterThan(0);
    expect(await f.runs.listRuns()).toEqual([]);
    expect(await f.runs.count()).toBe(0);
    expect(await indexProblems(f.db)).toEqual([]);
  });

  it('a run that is its own parent on disk can be deleted without recursive', async () => {
    const s = await f.runs.createRun({ runId: 's' });
    await reparentOnDisk(s, 's');
    expect((await f.runs.getChildRuns('s')).map((r) => r.runId)).toEqual(['s']);
    await f.runs.deleteRun('s');
    expect(await f.runs.listRuns()).toEqual([]);
  });

  it('restoreRun under a damaged cycle that does not involve the run still terminates', async () => {
    const a = await f.runs.createRun({ runId: 'a' });
    await f.runs.createRun({ runId: 'b', parentRunId: 'a' });
    const x = await f.runs.createRun({ runId: 'x' });
    await reparentOnDisk(a, 'b');
    const moved = await f.runs.restoreRun({ ...x, parentRunId: 'b' }, { replace: true });
    expect(moved.parentRunId).toBe('b');
  });

  it('a deep chain closed into a cycle: recursive delete of 500 runs ends, the event loop keeps turning', async () => {
    const ids = Array.from({ length: 500 }, (_, i) => `r${String(i).padStart(3, '0')}`);
    await f.db.transaction(async (tx) => {
      for (let i = 0; i < ids.length; i++) {
        await f.runs.in(tx, ids[i]).createRun(i === 0 ? {} : { parentRunId: ids[i - 1]! });
      }
    });
    await reparentOnDisk((await f.runs.getRun(ids[0]!))!, ids.at(-1)!);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      await f.runs.deleteRun(ids[250]!, { recursive: true });
    } finally {
      clearInterval(ticker);
    }
    expect(await f.runs.count()).toBe(0);
    expect(ticks).toBeGreaterThan(0);
  });
});
