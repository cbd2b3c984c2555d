import type { Value } from '@agentdb/core';
import { flipping, hostileValues, mapInDisguise } from '@agentdb/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StateCellView } from '../src/index.js';
import { type CellFixture, openCells, rejectsWith, storeContents } from './helpers.js';

/*
 * Every public method, through the facade and through the transaction view, gets bad input and must
 * answer with the documented code, with the store unchanged (no commit, no entry touched).
 */

const run = 'run-bad';
let f: CellFixture;
let before: unknown;

beforeAll(async () => {
  f = await openCells({ durability: 'buffered' });
  await f.state.init(run, 'cell', 1);
  await f.state.set(run, 'cell', 2); // version 2
  await f.state.init(run, 'gone', 0);
  await f.state.delete(run, 'gone'); // leaves a high-water mark
  before = await storeContents(f.db, [run]);
});
afterAll(() => f.t.dispose());

type Method = keyof Omit<StateCellView, 'runId'>;
type Call = [method: Method, args: unknown[]];

const inc = (s: { value: unknown }) => ({ value: s.value });

/** Calls `method` with `args` (no run id) through the facade or the view. */
async function call(via: 'facade' | 'view', method: Method, args: unknown[]): Promise<unknown> {
  if (via === 'facade') {
    return (f.state[method] as (...a: unknown[]) => Promise<unknown>).call(f.state, run, ...args);
  }
  return f.db.transaction(
    (tx) => {
      const view = f.state.in(tx);
      return (view[method] as (...a: unknown[]) => Promise<unknown>).call(view, ...args);
    },
    { runId: run },
  );
}

const cyclic: Record<string, unknown> = {};
cyclic.self = cyclic;
class Point {
  x = 1;
}

const badNames: [string, unknown][] = [
  ['empty', ''],
  ['513 bytes', 'x'.repeat(513)],
  ['514 bytes of 2-byte chars', 'é'.repeat(257)],
  ['U+0000', 'a\u0000b'],
  ['U+0004', '\u0004'],
  ['lone surrogate', '\uD800'],
  ['number', 42],
  ['null', null],
  ['undefined', undefined],
];

const badValues: [string, unknown][] = [
  ['undefined', undefined],
  ['a function', () => 1],
  ['a symbol', Symbol('s')],
  ['a Map', new Map()],
  ['a class instance', new Point()],
  ['a cycle', cyclic],
  ['a nested undefined', { a: [1, undefined] }],
  ['an invalid Date', new Date(Number.NaN)],
];

const badVersions: [string, unknown][] = [
  ['negative', -1],
  ['fractional', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['beyond 2^53', 2 ** 53],
  ['a string', '2'],
  ['null', null],
  ['undefined', undefined],
];

const badFns: [string, unknown][] = [
  ['undefined', undefined],
  ['a string', 'x => x'],
  ['an object', { value: 1 }],
];

const badOutputs: [string, () => unknown, string][] = [
  ['null', () => null, 'INVALID_ARGUMENT'],
  ['a number', () => 5, 'INVALID_ARGUMENT'],
  ['an array', () => [1], 'INVALID_ARGUMENT'],
  ['a promise', () => Promise.resolve({ value: 1 }), 'INVALID_ARGUMENT'],
  // An async closure that fails: refused as a promise, its rejection never surfaces as unhandled.
  ['a rejecting promise', () => Promise.reject(new Error('async closure')), 'INVALID_ARGUMENT'],
  ['no value field', () => ({ result: 1 }), 'INVALID_ARGUMENT'],
  ['value undefined', () => ({ value: undefined }), 'INVALID_VALUE'],
  ['value a function', () => ({ value: () => 1 }), 'INVALID_VALUE'],
  // A misspelt field would otherwise lose the result silently.
  ['a misspelt result field', () => ({ value: 1, reslt: 2 }), 'INVALID_ARGUMENT'],
  ['a Map', () => new Map([['value', 1]]), 'INVALID_ARGUMENT'],
  ['a Map in disguise (no value field of its own)', () => mapInDisguise({ value: 1 }), 'INVALID_ARGUMENT'],
  ['a value getter: undefined, then 1', () => flipping('value', undefined, 1), 'INVALID_VALUE'],
];

const withName = (name: unknown): Call[] => [
  ['init', [name, 1]],
  ['read', [name]],
  ['exists', [name]],
  ['set', [name, 1]],
  ['cas', [name, 2, 1]],
  ['delete', [name]],
  ['transition', [name, inc]],
  ['transitionOrInit', [name, 0, inc]],
];

const withValue = (value: unknown): Call[] => [
  ['init', ['fresh', value]],
  ['init', ['gone', value]],
  ['set', ['cell', value]],
  ['set', ['fresh', value]],
  ['cas', ['cell', 2, value]],
  ['transitionOrInit', ['fresh', value, inc]],
];

const cases: [string, Method, unknown[], string][] = [
  ...badNames.flatMap(([what, name]) =>
    withName(name).map(([m, args]): [string, Method, unknown[], string] => [
      `name ${what}`,
      m,
      args,
      'INVALID_ARGUMENT',
    ]),
  ),
  ...badValues.flatMap(([what, value]) =>
    withValue(value).map(([m, args]): [string, Method, unknown[], string] => [
      `value ${what}`,
      m,
      args,
      'INVALID_VALUE',
    ]),
  ),
  ...badVersions.map(([what, v]): [string, Method, unknown[], string] => [
    `expectedVersion ${what}`,
    'cas',
    ['cell', v, 1],
    'INVALID_ARGUMENT',
  ]),
  ...badFns.flatMap(([what, fn]): [string, Method, unknown[], string][] => [
    [`fn ${what}`, 'transition', ['cell', fn], 'INVALID_ARGUMENT'],
    [`fn ${what}`, 'transitionOrInit', ['fresh', 0, fn], 'INVALID_ARGUMENT'],
    [`fn ${what}`, 'transitionOrInit', ['cell', 0, fn], 'INVALID_ARGUMENT'],
  ]),
  ...badOutputs.flatMap(([what, fn, code]): [string, Method, unknown[], string][] => [
    [`fn returning ${what}`, 'transition', ['cell', fn], code],
    [`fn returning ${what}`, 'transitionOrInit', ['fresh', 0, fn], code],
    [`fn returning ${what}`, 'transitionOrInit', ['gone', 0, fn], code],
  ]),
];

describe.each(['facade', 'view'] as const)('bad input through the %s', (via) => {
  it.each(cases)('%s → %s is refused', async (_what, method, args, code) => {
    await rejectsWith(call(via, method, args), code as 'INVALID_ARGUMENT');
    expect(await storeContents(f.db, [run])).toEqual(before);
  });
});

describe('hostile values are read once: refused, or stored exactly as first read', () => {
  const refusedOnes = hostileValues().filter(([, , outcome]) => 'refused' in outcome);
  const storedOnes = hostileValues().filter(([, , outcome]) => 'stored' in outcome);
  const withHostile = (make: () => unknown): Call[] =>
    withValue(undefined).map(([m, args]) => [m, args.map((a) => (a === undefined ? make() : a))]);

  describe.each(['facade', 'view'] as const)('through the %s', (via) => {
    it.each(refusedOnes)('%s is refused by every writing method', async (_what, make, outcome) => {
      for (const [method, args] of withHostile(make)) {
        await rejectsWith(call(via, method, args), (outcome as { refused: 'INVALID_VALUE' }).refused);
      }
      expect(await storeContents(f.db, [run])).toEqual(before);
    });
  });

  // Accepted writes commit, so they run on a database of their own (the shared one must stay unchanged).
  describe('stored ones', () => {
    let g: CellFixture;
    beforeAll(async () => {
      g = await openCells({ durability: 'buffered' });
    });
    afterAll(() => g.t.dispose());

    it.each(storedOnes)('%s is stored as read by set, cas and a transition', async (_what, make, outcome) => {
      const stored = (outcome as { stored: unknown }).stored;
      await g.state.set(run, 'c', make() as Value);
      expect((await g.state.read(run, 'c'))?.value).toStrictEqual(stored);
      const version = (await g.state.read(run, 'c'))!.version;
      await g.state.cas(run, 'c', version, make() as Value);
      expect((await g.state.read(run, 'c'))?.value).toStrictEqual(stored);
      const out = await g.state.transition(run, 'c', () => ({ value: make() as Value }));
      expect(out.value).toStrictEqual(stored);
      expect((await g.state.read(run, 'c'))?.value).toStrictEqual(stored);
    });

    it('a transition result whose value getter flips is stored as first read', async () => {
      await g.state.transitionOrInit(run, 'flip', 0, () => flipping('value', 7, () => 0) as never);
      expect((await g.state.read(run, 'flip'))?.value).toBe(7);
    });
  });
});

// Bad run ids, the constructor, in() and CLOSED: the shared primitive contract (contract.test.ts).

it('keeps values that are valid but unusual (NaN, -0, bigint) storable', async () => {
  const value: Value = { nan: Number.NaN, z: -0, big: -(2n ** 80n) };
  const t = await openCells({ durability: 'buffered' });
  try {
    await t.state.init(run, 'odd', value);
    expect((await t.state.read(run, 'odd'))?.value).toEqual(value);
  } finally {
    await t.t.dispose();
  }
});
