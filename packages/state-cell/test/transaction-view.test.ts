import { Key } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CellFixture, openCells, rejectsWith, storeContents } from './helpers.js';

const run = 'run-view';
let f: CellFixture;
beforeEach(async () => {
  f = await openCells({ durability: 'buffered' });
});
afterEach(() => f.t.dispose());

describe('state.in(tx)', () => {
  it('binds to tx.runId by default, or to the run given', async () => {
    await f.db.transaction(
      async (tx) => {
        await f.state.in(tx).init('a', 1);
        await f.state.in(tx, 'other-run').init('b', 2);
        expect(f.state.in(tx).runId).toBe(run);
      },
      { runId: run },
    );
    expect(await f.state.list(run)).toEqual(['a']);
    expect(await f.state.list('other-run')).toEqual(['b']);
  });

  it('refuses a transaction without a run id, a bad run id, and a non-transaction', async () => {
    await f.db.transaction((tx) => {
      expect(() => f.state.in(tx)).toThrow(/INVALID_ARGUMENT/);
      expect(() => f.state.in(tx, 'bad run')).toThrow(/INVALID_ARGUMENT/);
    });
    expect(() => f.state.in({} as never, run)).toThrow(/INVALID_ARGUMENT/);
  });

  it('several cell operations and a raw write commit together, with read-your-writes', async () => {
    await f.state.init(run, 'phase', 'planning');
    await f.db.transaction(
      async (tx) => {
        const cells = f.state.in(tx);
        expect(await cells.cas('phase', 1, 'acting')).toBe(2);
        expect(await cells.read('phase')).toMatchObject({ value: 'acting', version: 2 });
        expect(await cells.set('actor', 'agent-7')).toBe(1);
        expect(await cells.list()).toEqual(['actor', 'phase']);
        expect(await cells.delete('actor')).toBe(true);
        expect(await cells.exists('actor')).toBe(false);
        expect(await cells.init('actor', 'agent-8')).toBe(2);
        tx.put(Key.kv(run, 'note'), 'written with the cells');
      },
      { runId: run },
    );
    expect(await f.state.read(run, 'phase')).toMatchObject({ value: 'acting', version: 2 });
    expect(await f.state.read(run, 'actor')).toMatchObject({ value: 'agent-8', version: 2 });
    expect(await f.db.get(Key.kv(run, 'note'))).toBe('written with the cells');
  });

  it('is atomic: when the transaction throws, none of its cell writes land', async () => {
    await f.state.init(run, 'phase', 'planning');
    const before = await storeContents(f.db, [run]);
    const boom = new Error('abort after writing');
    const thrown = await f.db
      .transaction(
        async (tx) => {
          const cells = f.state.in(tx);
          await cells.cas('phase', 1, 'acting');
          await cells.set('other', 1);
          await cells.delete('phase');
          throw boom;
        },
        { runId: run },
      )
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    expect(await storeContents(f.db, [run])).toEqual(before);
  });

  it('a failed operation buffers nothing, even when the caller catches it and commits', async () => {
    const small = await openCells({ durability: 'buffered', maxValueBytes: 256 });
    try {
      await small.state.init(run, 'lock', 'a');
      await small.state.delete(run, 'lock'); // high-water mark 1
      const before = await storeContents(small.db, [run]);
      await small.db.transaction(
        async (tx) => {
          const cells = small.state.in(tx);
          await rejectsWith(cells.init('lock', 'x'.repeat(1000)), 'INVALID_VALUE'); // too large
          await rejectsWith(cells.cas('missing', 1, 1), 'NOT_FOUND');
          await rejectsWith(
            cells.transition('missing', (s) => ({ value: s.value })),
            'NOT_FOUND',
          );
          await rejectsWith(
            cells.transitionOrInit('lock', 0, () => ({ value: () => 1 }) as never),
            'INVALID_VALUE',
          );
        },
        { runId: run },
      );
      expect(await storeContents(small.db, [run])).toEqual(before);
      expect(await small.state.init(run, 'lock', 'b')).toBe(2); // the high-water mark survived
    } finally {
      await small.t.dispose();
    }
  });

  it('a cas in a transaction that conflicts re-runs and then reports VERSION_MISMATCH', async () => {
    await f.state.init(run, 'phase', 'planning');
    let attempts = 0;
    const p = f.db.transaction(
      async (tx) => {
        attempts++;
        const cells = f.state.in(tx);
        await cells.read('phase'); // pins the snapshot: this attempt sees version 1
        if (attempts === 1) await f.state.set(run, 'phase', 'sneaky'); // a concurrent writer
        return cells.cas('phase', 1, 'mine');
      },
      { runId: run },
    );
    const e = await rejectsWith(p, 'VERSION_MISMATCH');
    expect(e).toMatchObject({ expected: 1, actual: 2 });
    expect(attempts).toBe(2);
    expect(await f.state.read(run, 'phase')).toMatchObject({ value: 'sneaky', version: 2 });
  });
});
