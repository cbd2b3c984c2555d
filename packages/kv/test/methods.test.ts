import { isAgentDBError } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { KVStore } from '../src/index.js';
import { useKV } from './helpers.js';

const RUN = 'run-methods';

describe('KVStore methods', () => {
  const fx = useKV();

  it('put replaces the previous value', async () => {
    const { kv } = fx();
    await kv.put(RUN, 'k', 1);
    await kv.put(RUN, 'k', { v: 2 });
    expect(await kv.get(RUN, 'k')).toStrictEqual({ v: 2 });
    expect(await kv.list(RUN)).toStrictEqual(['k']);
  });

  it('delete returns true only when the key existed, and removes it', async () => {
    const { kv } = fx();
    await kv.put(RUN, 'k', false);
    expect(await kv.delete(RUN, 'k')).toBe(true);
    expect(await kv.get(RUN, 'k')).toBeUndefined();
    expect(await kv.exists(RUN, 'k')).toBe(false);
    expect(await kv.delete(RUN, 'k')).toBe(false);
    expect(await kv.delete(RUN, 'never-written')).toBe(false);
  });

  it('deleting a missing key commits nothing', async () => {
    const { kv, db } = fx();
    const before = db.stats().version;
    await kv.delete(RUN, 'nothing');
    expect(db.stats().version).toBe(before);
  });

  it('getMany keeps order, repeats duplicates and answers [] for no keys', async () => {
    const { kv } = fx();
    await kv.put(RUN, 'a', 'A');
    await kv.put(RUN, 'c', 'C');
    expect(await kv.getMany(RUN, ['c', 'b', 'a', 'c'])).toStrictEqual(['C', undefined, 'A', 'C']);
    expect(await kv.getMany(RUN, [])).toStrictEqual([]);
  });

  it('list returns keys ascending by UTF-8 bytes, with values in listWithValues', async () => {
    const { kv } = fx();
    // U+FF61 sorts before U+1F600 by code point (and UTF-8), after it by UTF-16 code units.
    const keys = ['b', 'a', 'ab', 'A', 'a b', '\uff61', '😀', 'z'];
    for (const k of keys) await kv.put(RUN, k, k.length);
    const expected = ['A', 'a', 'a b', 'ab', 'b', 'z', '\uff61', '😀'];
    expect(await kv.list(RUN)).toStrictEqual(expected);
    expect(await kv.listWithValues(RUN)).toStrictEqual(expected.map((k) => ({ key: k, value: k.length })));
  });

  it('prefix a lists exactly the keys starting with a, never b…', async () => {
    const { kv } = fx();
    for (const k of ['a', 'a:1', 'aa', 'ab', 'b', 'b:a', 'ba', '`', 'A']) await kv.put(RUN, k, 0);
    expect(await kv.list(RUN, { prefix: 'a' })).toStrictEqual(['a', 'a:1', 'aa', 'ab']);
    expect(await kv.list(RUN, { prefix: 'b' })).toStrictEqual(['b', 'b:a', 'ba']);
    expect(await kv.list(RUN, { prefix: 'a:' })).toStrictEqual(['a:1']);
    expect(await kv.list(RUN, { prefix: 'c' })).toStrictEqual([]);
    expect(await kv.list(RUN, { prefix: '' })).toHaveLength(9);
  });

  it('limit and after page through keys; after need not exist and may precede the prefix', async () => {
    const { kv } = fx();
    for (const k of ['a1', 'a2', 'a3', 'b1', 'b2']) await kv.put(RUN, k, k);
    expect(await kv.list(RUN, { limit: 2 })).toStrictEqual(['a1', 'a2']);
    expect(await kv.list(RUN, { limit: 2, after: 'a2' })).toStrictEqual(['a3', 'b1']);
    expect(await kv.list(RUN, { after: 'a25' })).toStrictEqual(['a3', 'b1', 'b2']);
    expect(await kv.list(RUN, { prefix: 'b', after: 'a' })).toStrictEqual(['b1', 'b2']);
    expect(await kv.list(RUN, { prefix: 'a', after: 'a3' })).toStrictEqual([]);
    expect(await kv.list(RUN, { prefix: 'a', after: 'zzz' })).toStrictEqual([]);
    expect(await kv.listWithValues(RUN, { prefix: 'b', limit: 1 })).toStrictEqual([
      { key: 'b1', value: 'b1' },
    ]);
  });

  it('two KVStore instances on one database see the same data', async () => {
    const { kv, db } = fx();
    const other = new KVStore(db);
    await kv.put(RUN, 'shared', 42);
    expect(await other.get(RUN, 'shared')).toBe(42);
    expect(await other.delete(RUN, 'shared')).toBe(true);
    expect(await kv.exists(RUN, 'shared')).toBe(false);
  });

  it('keys of 512 UTF-8 bytes are accepted and listed', async () => {
    const { kv } = fx();
    const long = 'é'.repeat(256); // 512 bytes
    await kv.put(RUN, long, 1);
    expect(await kv.get(RUN, long)).toBe(1);
    expect(await kv.list(RUN, { prefix: 'éé' })).toStrictEqual([long]);
  });

  it('every method refuses a closed database with CLOSED', async () => {
    const { kv, db } = fx();
    await db.close();
    const calls = [
      () => kv.get(RUN, 'k'),
      () => kv.put(RUN, 'k', 1),
      () => kv.delete(RUN, 'k'),
      () => kv.exists(RUN, 'k'),
      () => kv.getMany(RUN, ['k']),
      () => kv.list(RUN),
      () => kv.listWithValues(RUN),
    ];
    for (const call of calls) {
      const error = await call().catch((e: unknown) => e);
      expect(isAgentDBError(error, 'CLOSED'), String(error)).toBe(true);
    }
  });
});

describe('run isolation', () => {
  const fx = useKV();

  it('runs whose ids are prefixes of each other never see each other', async () => {
    const { kv } = fx();
    const runs = ['run1', 'run10', 'run1_', 'run', 'run-1'];
    for (const run of runs) {
      await kv.put(run, 'shared', `value of ${run}`);
      await kv.put(run, `only-${run}`, run);
    }
    for (const run of runs) {
      expect(await kv.get(run, 'shared')).toBe(`value of ${run}`);
      expect(await kv.list(run)).toStrictEqual([`only-${run}`, 'shared']);
      expect(await kv.listWithValues(run, { prefix: 'only-' })).toStrictEqual([
        { key: `only-${run}`, value: run },
      ]);
      for (const other of runs.filter((r) => r !== run)) {
        expect(await kv.exists(run, `only-${other}`)).toBe(false);
      }
    }
    expect(await kv.delete('run1', 'shared')).toBe(true);
    expect(await kv.get('run10', 'shared')).toBe('value of run10');
    expect(await kv.list('run1')).toStrictEqual(['only-run1']);
    expect(await kv.list('run2')).toStrictEqual([]);
  });

  it('the same key in two runs inside one transaction stays two entries', async () => {
    const { kv, db } = fx();
    await db.transaction(async (tx) => {
      await kv.in(tx, 'run1').put('k', 1);
      await kv.in(tx, 'run10').put('k', 10);
      expect(await kv.in(tx, 'run1').list()).toStrictEqual(['k']);
    });
    expect(await kv.getMany('run1', ['k'])).toStrictEqual([1]);
    expect(await kv.getMany('run10', ['k'])).toStrictEqual([10]);
  });
});
