import type { Value } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { KVStore } from '../src/index.js';
import { useKV } from './helpers.js';

const RUN = 'run-values';

/** Every kind of Value, including the falsy ones that a careless store confuses with "missing". */
const VALUES: [string, Value][] = [
  ['null', null],
  ['zero', 0],
  ['negative zero', -0],
  ['empty string', ''],
  ['false', false],
  ['true', true],
  ['float', 3.25],
  ['NaN', Number.NaN],
  ['big bigint', 2n ** 100n],
  ['negative bigint', -(2n ** 70n)],
  ['bytes', new Uint8Array([0, 1, 2, 255])],
  ['empty bytes', new Uint8Array([])],
  ['date', new Date(1_700_000_000_123)],
  ['empty array', []],
  ['empty object', {}],
  [
    'nested',
    { plan: ['search', { depth: 2, at: new Date(0), raw: new Uint8Array([9]) }], n: -0, big: 1n, none: null },
  ],
  ['unicode text', 'héllo 👋 世界'],
];

describe('values', () => {
  const fx = useKV();

  it.each(VALUES)('a %s value reads back deeply equal through every read method', async (name, value) => {
    const { kv, db } = fx();
    await kv.put(RUN, name, value);
    expect(await kv.get(RUN, name)).toStrictEqual(value);
    expect(await kv.exists(RUN, name)).toBe(true);
    expect(await kv.getMany(RUN, [name])).toStrictEqual([value]);
    expect(await kv.listWithValues(RUN)).toStrictEqual([{ key: name, value }]);
    expect(await kv.list(RUN)).toStrictEqual([name]);
    await db.transaction(
      async (tx) => {
        expect(await kv.in(tx).get(name)).toStrictEqual(value);
        expect(await kv.in(tx).listWithValues()).toStrictEqual([{ key: name, value }]);
      },
      { runId: RUN },
    );
  });

  it('keeps -0 distinct from 0', async () => {
    const { kv } = fx();
    await kv.put(RUN, 'z', -0);
    expect(Object.is(await kv.get(RUN, 'z'), -0)).toBe(true);
  });

  it('bytes come back as a plain Uint8Array, not a Buffer', async () => {
    const { kv } = fx();
    await kv.put(RUN, 'b', new Uint8Array([1, 2]));
    const got = await kv.get(RUN, 'b');
    expect(got).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(got)).toBe(false);
  });

  it('undefined means missing and only missing: a stored null exists', async () => {
    const { kv } = fx();
    await kv.put(RUN, 'present-null', null);
    expect(await kv.get(RUN, 'absent')).toBeUndefined();
    expect(await kv.exists(RUN, 'absent')).toBe(false);
    expect(await kv.get(RUN, 'present-null')).toBeNull();
    expect(await kv.exists(RUN, 'present-null')).toBe(true);
    expect(await kv.getMany(RUN, ['absent', 'present-null'])).toStrictEqual([undefined, null]);
  });

  it('values survive closing and reopening the database', async () => {
    const { t } = fx();
    const kv1 = new KVStore(t.db);
    for (const [name, value] of VALUES) await kv1.put(RUN, name, value);
    const db2 = await t.reopen();
    const kv2 = new KVStore(db2);
    for (const [name, value] of VALUES) expect(await kv2.get(RUN, name)).toStrictEqual(value);
  });
});
