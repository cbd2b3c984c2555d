import { isAgentDBError } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateCell } from '../src/index.js';
import { type CellFixture, openCells, rejectsWith, settle } from './helpers.js';

const run = 'run-cas';
let f: CellFixture;
beforeEach(async () => {
  f = await openCells();
});
afterEach(() => f.t.dispose());

describe('cas', () => {
  it('writes when the expected version matches and returns the next version', async () => {
    await f.state.init(run, 'phase', 'planning');
    expect(await f.state.cas(run, 'phase', 1, 'acting')).toBe(2);
    expect(await f.state.read(run, 'phase')).toMatchObject({ value: 'acting', version: 2 });
  });

  it('refuses a wrong expected version with VERSION_MISMATCH carrying expected and actual', async () => {
    await f.state.init(run, 'phase', 'planning');
    await f.state.set(run, 'phase', 'acting');
    const e = await rejectsWith(f.state.cas(run, 'phase', 1, 'done'), 'VERSION_MISMATCH');
    expect(e).toMatchObject({ expected: 1, actual: 2 });
    expect(await f.state.read(run, 'phase')).toMatchObject({ value: 'acting', version: 2 });
  });

  it('reports NOT_FOUND for a missing cell and creates nothing', async () => {
    await rejectsWith(f.state.cas(run, 'nope', 1, 'x'), 'NOT_FOUND');
    expect(await f.state.exists(run, 'nope')).toBe(false);
  });

  it('exactly one of 100 concurrent cas with the same expected version wins', async () => {
    await f.state.init(run, 'leader', 'nobody');
    const calls = Array.from({ length: 100 }, (_, i) => f.state.cas(run, 'leader', 1, `agent-${i}`));
    const { ok, errors } = await settle(calls);
    expect(ok).toEqual([2]);
    expect(errors).toHaveLength(99);
    for (const e of errors) {
      expect(isAgentDBError(e, 'VERSION_MISMATCH')).toBe(true);
      expect(e).toMatchObject({ expected: 1, actual: 2 });
    }
    const final = await f.state.read(run, 'leader');
    expect(final?.version).toBe(2);
    // The stored value is the winner's: the one whose promise fulfilled.
    const winner = (await Promise.allSettled(calls)).findIndex((r) => r.status === 'fulfilled');
    expect(final?.value).toBe(`agent-${winner}`);
  });

  it('a stale cas fails after delete → init, because versions continue above the deleted one', async () => {
    await f.state.init(run, 'lock', 'a');
    await f.state.set(run, 'lock', 'b'); // version 2
    expect(await f.state.delete(run, 'lock')).toBe(true);
    expect(await f.state.init(run, 'lock', 'c')).toBe(3);
    for (const stale of [1, 2]) {
      const e = await rejectsWith(f.state.cas(run, 'lock', stale, 'stolen'), 'VERSION_MISMATCH');
      expect(e).toMatchObject({ expected: stale, actual: 3 });
    }
    expect(await f.state.read(run, 'lock')).toMatchObject({ value: 'c', version: 3 });
  });

  it('a stale cas fails after delete → set and after delete → transitionOrInit', async () => {
    await f.state.init(run, 'x', 0);
    await f.state.delete(run, 'x');
    expect(await f.state.set(run, 'x', 0)).toBe(2);
    await f.state.delete(run, 'x');
    const out = await f.state.transitionOrInit(run, 'x', 0, (s) => ({ value: (s.value as number) + 1 }));
    expect(out).toEqual({ result: undefined, version: 3, value: 1 });
    await rejectsWith(f.state.cas(run, 'x', 1, 'stolen'), 'VERSION_MISMATCH');
    await rejectsWith(f.state.cas(run, 'x', 2, 'stolen'), 'VERSION_MISMATCH');
  });

  it('a stale cas fails after an A → B → A change made with set', async () => {
    await f.state.init(run, 'phase', 'A');
    const seen = await f.state.read(run, 'phase');
    await f.state.set(run, 'phase', 'B');
    await f.state.set(run, 'phase', 'A');
    const now = await f.state.read(run, 'phase');
    expect(now?.value).toEqual(seen?.value);
    const e = await rejectsWith(f.state.cas(run, 'phase', seen!.version, 'C'), 'VERSION_MISMATCH');
    expect(e).toMatchObject({ expected: 1, actual: 3 });
  });

  it('the high-water mark survives a reopen', async () => {
    await f.state.init(run, 'lock', 'a');
    await f.state.set(run, 'lock', 'b');
    await f.state.delete(run, 'lock');
    f.db = await f.t.reopen();
    const state = new StateCell(f.db);
    expect(await state.init(run, 'lock', 'c')).toBe(3);
  });
});
