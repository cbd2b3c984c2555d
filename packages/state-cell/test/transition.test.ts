import { AgentDBError } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { State } from '../src/index.js';
import { type CellFixture, increment, openCells, rejectsWith, storeContents } from './helpers.js';

const run = 'run-tr';
let f: CellFixture | undefined;
afterEach(async () => {
  await f?.t.dispose();
  f = undefined;
});

async function concurrentIncrements(fixture: CellFixture, n: number): Promise<number[]> {
  await fixture.state.init(run, 'counter', 0);
  const outcomes = await Promise.all(
    Array.from({ length: n }, () => fixture.state.transition(run, 'counter', increment)),
  );
  return outcomes.map((o) => o.result as number);
}

describe('transition', () => {
  it('1,000 concurrent increments end at exactly 1,000, version 1,001, with no CONFLICT (buffered)', async () => {
    f = await openCells({ durability: 'buffered' });
    const results = await concurrentIncrements(f, 1000);
    expect(f.db.stats().aborts).toBe(0); // no call ended in CONFLICT (or anything else)
    expect(await f.state.read(run, 'counter')).toMatchObject({ value: 1000, version: 1001 });
    // Each increment saw a distinct predecessor: no lost and no duplicated update.
    expect([...results].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect((await f.db.verify()).ok).toBe(true);
  });

  it('100 concurrent increments end exact under strict durability', async () => {
    f = await openCells();
    await concurrentIncrements(f, 100);
    expect(await f.state.read(run, 'counter')).toMatchObject({ value: 100, version: 101 });
  });

  it('returns the result, the new version and the new value', async () => {
    f = await openCells({ durability: 'buffered' });
    await f.state.init(run, 'c', 41);
    const out = await f.state.transition(run, 'c', (s) => ({ value: (s.value as number) + 1, result: 'ok' }));
    expect(out).toEqual({ result: 'ok', version: 2, value: 42 });
    const noResult = await f.state.transition(run, 'c', (s) => ({ value: s.value }));
    expect(noResult).toEqual({ result: undefined, version: 3, value: 42 });
  });

  it('gives the closure the current state, frozen, so it cannot alter the version written', async () => {
    f = await openCells({ durability: 'buffered' });
    await f.state.init(run, 'c', { n: 1 });
    let seen: State | undefined;
    await f.state.transition(run, 'c', (s) => {
      seen = s;
      expect(Object.isFrozen(s)).toBe(true);
      expect(() => {
        (s as State).version = 99;
      }).toThrow(TypeError);
      return { value: { n: 2 } };
    });
    expect(seen).toMatchObject({ value: { n: 1 }, version: 1 });
    expect(await f.state.read(run, 'c')).toMatchObject({ value: { n: 2 }, version: 2 });
  });

  it('NOT_FOUND on a missing cell, without calling the closure', async () => {
    f = await openCells({ durability: 'buffered' });
    let calls = 0;
    await rejectsWith(
      f.state.transition(run, 'missing', (s) => {
        calls++;
        return { value: s.value };
      }),
      'NOT_FOUND',
    );
    expect(calls).toBe(0);
    expect(await f.state.exists(run, 'missing')).toBe(false);
  });

  it('a closure that throws aborts without writing, and its error comes out as the same object', async () => {
    f = await openCells({ durability: 'buffered' });
    await f.state.init(run, 'c', 1);
    const before = await storeContents(f.db, [run]);
    const boom = new Error('closure failed');
    const thrown = await f.state
      .transition(run, 'c', () => {
        throw boom;
      })
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    const agentError = new AgentDBError('INVALID_TRANSITION', 'no', { from: 'a', to: 'b' });
    const thrown2 = await f.state
      .transitionOrInit(run, 'fresh', 0, () => {
        throw agentError;
      })
      .catch((e: unknown) => e);
    expect(thrown2).toBe(agentError);
    expect(await storeContents(f.db, [run])).toEqual(before);
  });

  it('re-runs the closure on conflict: it may be called more often than it commits', async () => {
    f = await openCells({ durability: 'buffered' });
    await f.state.init(run, 'c', 0);
    let calls = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        f!.state.transition(run, 'c', (s) => {
          calls++; // counting attempts is exactly the kind of side effect a closure must not rely on
          return { value: (s.value as number) + 1 };
        }),
      ),
    );
    expect(await f.state.read(run, 'c')).toMatchObject({ value: 20, version: 21 });
    expect(calls).toBeGreaterThan(20);
  });
});

describe('transitionOrInit', () => {
  it('creates a missing cell at version 1 from fn(initial), then transitions it', async () => {
    f = await openCells({ durability: 'buffered' });
    const seen: Readonly<State>[] = [];
    const fn = (s: Readonly<State>) => {
      seen.push(s);
      return { value: (s.value as number) + 1, result: s.version };
    };
    expect(await f.state.transitionOrInit(run, 'hits', 10, fn)).toEqual({ result: 0, version: 1, value: 11 });
    expect(await f.state.transitionOrInit(run, 'hits', 10, fn)).toEqual({ result: 1, version: 2, value: 12 });
    expect(seen[0]).toMatchObject({ value: 10, version: 0 });
    expect(seen[1]).toMatchObject({ value: 11, version: 1 });
  });

  it('500 concurrent transitionOrInit increments on a fresh cell end at 500, version 500', async () => {
    f = await openCells({ durability: 'buffered' });
    await Promise.all(
      Array.from({ length: 500 }, () =>
        f!.state.transitionOrInit(run, 'hits', 0, (s) => ({ value: (s.value as number) + 1 })),
      ),
    );
    expect(await f.state.read(run, 'hits')).toMatchObject({ value: 500, version: 500 });
  });
});
