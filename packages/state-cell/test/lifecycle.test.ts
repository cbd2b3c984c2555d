import { Key, TypeTag } from '@agentdb/core';
import { manualClock } from '@agentdb/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateCell } from '../src/index.js';
import { type CellFixture, openCells, rejectsWith, storeContents } from './helpers.js';

const run = 'run-life';
const clock = manualClock(1_700_000_000_000);
let f: CellFixture;
beforeEach(async () => {
  f = await openCells({ durability: 'buffered', clock });
});
afterEach(() => f.t.dispose());

describe('init, read, exists, set', () => {
  it('init creates at version 1 and read returns value, version and the clock time', async () => {
    expect(await f.state.init(run, 'phase', { step: 1, at: new Date(5), big: 2n ** 70n })).toBe(1);
    expect(await f.state.read(run, 'phase')).toEqual({
      value: { step: 1, at: new Date(5), big: 2n ** 70n },
      version: 1,
      updatedAt: 1_700_000_000_000,
    });
  });

  it('init twice is ALREADY_EXISTS and leaves the cell as it was', async () => {
    await f.state.init(run, 'phase', 'a');
    const before = await storeContents(f.db, [run]);
    await rejectsWith(f.state.init(run, 'phase', 'b'), 'ALREADY_EXISTS');
    expect(await storeContents(f.db, [run])).toEqual(before);
  });

  it('missing cells read as undefined and do not exist; null is a value', async () => {
    expect(await f.state.read(run, 'nothing')).toBeUndefined();
    expect(await f.state.exists(run, 'nothing')).toBe(false);
    await f.state.init(run, 'empty', null);
    expect(await f.state.exists(run, 'empty')).toBe(true);
    expect(await f.state.read(run, 'empty')).toMatchObject({ value: null, version: 1 });
  });

  it('set creates at 1, then bumps the version by exactly one and updates updatedAt', async () => {
    expect(await f.state.set(run, 's', 'a')).toBe(1);
    clock.advance(250);
    expect(await f.state.set(run, 's', 'a')).toBe(2);
    expect(await f.state.read(run, 's')).toEqual({ value: 'a', version: 2, updatedAt: 1_700_000_000_250 });
  });

  it('a value read back equals the value written, including -0, bytes and nesting', async () => {
    const value = { z: -0, bytes: new Uint8Array([0, 255]), list: [1, 'two', null, [true]], nan: Number.NaN };
    await f.state.set(run, 'v', value);
    const back = (await f.state.read(run, 'v'))!.value as typeof value;
    expect(back).toEqual(value);
    expect(Object.is(back.z, -0)).toBe(true);
  });
});

describe('delete and list', () => {
  it('delete returns true once, then false, and the cell is gone', async () => {
    await f.state.init(run, 'lock', 'me');
    expect(await f.state.delete(run, 'lock')).toBe(true);
    expect(await f.state.delete(run, 'lock')).toBe(false);
    expect(await f.state.read(run, 'lock')).toBeUndefined();
    expect(await f.state.exists(run, 'lock')).toBe(false);
  });

  it('deleting a missing cell commits nothing', async () => {
    const before = await storeContents(f.db, [run]);
    expect(await f.state.delete(run, 'never')).toBe(false);
    expect(await storeContents(f.db, [run])).toEqual(before);
  });

  it('list returns exactly the live cell names, ascending by code point', async () => {
    const names = ['b', 'a', 'a\u0005', '\u0005', 'Z', '\uFFFD', '\u{1F600}', 'x'.repeat(300), 'é'];
    for (const n of names) await f.state.init(run, n, n);
    await f.state.init(run, 'gone', 0);
    await f.state.delete(run, 'gone');
    const byCodePoint = [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(await f.state.list(run)).toEqual(byCodePoint);
    for (const n of names) expect(await f.state.exists(run, n)).toBe(true);
  });

  it('list costs O(live cells): deleted cells are not read', async () => {
    for (let i = 0; i < 5; i++) await f.state.init(run, `live-${i}`, i);
    await f.db.transaction(async (tx) => {
      const cells = f.state.in(tx, run);
      for (let i = 0; i < 300; i++) {
        await cells.init(`dead-${i}`, i);
      }
    });
    await f.db.transaction(async (tx) => {
      const cells = f.state.in(tx, run);
      for (let i = 0; i < 300; i++) await cells.delete(`dead-${i}`);
    });
    const before = f.db.stats().reads;
    expect(await f.state.list(run)).toEqual(['live-0', 'live-1', 'live-2', 'live-3', 'live-4']);
    expect(f.db.stats().reads - before).toBeLessThanOrEqual(6);
  });

  it('runs are isolated: run1 never sees run10, and list of an unused run is empty', async () => {
    await f.state.init('run1', 'phase', 'one');
    await f.state.init('run10', 'phase', 'ten');
    await f.state.init('run10', 'extra', 0);
    expect(await f.state.read('run1', 'phase')).toMatchObject({ value: 'one', version: 1 });
    expect(await f.state.list('run1')).toEqual(['phase']);
    expect(await f.state.list('run10')).toEqual(['extra', 'phase']);
    expect(await f.state.exists('run1', 'extra')).toBe(false);
    await f.state.delete('run10', 'phase');
    expect(await f.state.read('run1', 'phase')).toMatchObject({ value: 'one' });
    expect(await f.state.list('run2')).toEqual([]);
  });

  it('two facades on one database see the same cells', async () => {
    const other = new StateCell(f.db);
    await f.state.init(run, 'shared', 1);
    expect(await other.cas(run, 'shared', 1, 2)).toBe(2);
    expect(await f.state.read(run, 'shared')).toMatchObject({ value: 2, version: 2 });
  });
});

describe('corruption', () => {
  it('a record StateCell could not have written reads as CORRUPTION, never as a wrong state', async () => {
    await f.db.transaction((tx) => {
      tx.put(Key.state(run, 'forged'), 'not a record');
      tx.put(Key.state(run, 'no-version'), { value: 1, updatedAt: 0 });
      tx.put(Key.of(TypeTag.State, run, 0, 'bad-mark'), 'x');
    });
    await rejectsWith(f.state.read(run, 'forged'), 'CORRUPTION');
    await rejectsWith(f.state.cas(run, 'no-version', 1, 2), 'CORRUPTION');
    await rejectsWith(f.state.init(run, 'bad-mark', 1), 'CORRUPTION');
  });

  it.each([
    ['raw bytes instead of a record', new Uint8Array([1, 2])],
    ['a record without a value', { version: 1, updatedAt: 0 }],
    ['a record with a negative updatedAt', { value: 1, version: 1, updatedAt: -5 }],
    ['a record with a fractional updatedAt', { value: 1, version: 1, updatedAt: 1.5 }],
  ])('%s reads as CORRUPTION', async (_name, stored) => {
    await f.db.transaction((tx) => tx.put(Key.state(run, 'forged'), stored));
    await rejectsWith(f.state.read(run, 'forged'), 'CORRUPTION');
    await rejectsWith(f.state.exists(run, 'forged'), 'CORRUPTION');
  });
});
