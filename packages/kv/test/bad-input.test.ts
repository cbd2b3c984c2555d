import type { ErrorCode, Value } from '@agentdb/core';
import { badKeyStrings, badOptions, flipping, hostileValues, refused } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import type { KVStore } from '../src/index.js';
import { type KVFixture, useKV } from './helpers.js';

const RUN = 'run-bad';

type Call = (kv: KVStore) => Promise<unknown>;

/** Runs `call`, expects an AgentDBError with `code` (and `path`), and checks the store did not change. */
async function expectRefused(f: KVFixture, call: Call, code: ErrorCode, path?: string): Promise<void> {
  await refused(f.db, () => call(f.kv), code, path === undefined ? {} : { path });
}

// Bad run ids, the constructor, in() and CLOSED: the shared primitive contract (contract.test.ts).
const BAD_KEYS = badKeyStrings();

const asString = (v: unknown) => v as string;

/** Every method taking a key, on the facade and on the transaction view, with `key` bad. */
const withKey = (key: unknown): [string, Call][] => {
  const k = asString(key);
  // The transaction catches the refusal and commits whatever it holds, so a bad call that buffered
  // anything would change the store; the error is rethrown afterwards.
  const inTx =
    (fn: (view: ReturnType<KVStore['in']>) => Promise<unknown>): Call =>
    async (kv) => {
      const caught = await dbOf(kv).transaction((tx) =>
        fn(kv.in(tx, RUN)).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      throw caught ?? new Error('the call was not refused');
    };
  return [
    ['get', (kv) => kv.get(RUN, k)],
    ['put', (kv) => kv.put(RUN, k, 1)],
    ['delete', (kv) => kv.delete(RUN, k)],
    ['exists', (kv) => kv.exists(RUN, k)],
    ['getMany', (kv) => kv.getMany(RUN, ['existing', 'ok', k])],
    ['in(tx).get', inTx((v) => v.get(k))],
    ['in(tx).put', inTx((v) => v.put(k, 1))],
    [
      'in(tx).put after a good put, uncaught (aborts both)',
      (kv) =>
        dbOf(kv).transaction(async (tx) => {
          await kv.in(tx, RUN).put('good', 1);
          await kv.in(tx, RUN).put(k, 1);
        }),
    ],
    ['in(tx).delete', inTx((v) => v.delete(k))],
    ['in(tx).exists', inTx((v) => v.exists(k))],
    ['in(tx).getMany', inTx((v) => v.getMany([k]))],
  ];
};

// The fixture's database, for calls that need a transaction.
const databases = new WeakMap<KVStore, KVFixture['db']>();
function dbOf(kv: KVStore): KVFixture['db'] {
  const db = databases.get(kv);
  if (db === undefined) throw new Error('unknown store');
  return db;
}

const circular: Record<string, Value> = { a: 1 };
(circular as Record<string, unknown>).self = circular;

function sparse(): unknown[] {
  const holes: unknown[] = [1];
  holes[2] = 3; // index 1 is a hole
  return holes;
}

const BAD_VALUES: [string, unknown, string][] = [
  ['undefined', undefined, 'value'],
  ['a function', { steps: [1, () => 1] }, 'value.steps[1]'],
  ['a symbol', { s: Symbol('x') }, 'value.s'],
  ['an undefined field', { plan: undefined }, 'value.plan'],
  ['a cycle', circular, 'value.self'],
  ['a Map', new Map([[1, 2]]), 'value'],
  ['a class instance', { at: new (class Point {})() }, 'value.at'],
  ['an invalid Date', { when: new Date(Number.NaN) }, 'value.when'],
  ['a sparse array', sparse(), 'value[1]'],
  ['over the 16 MiB limit', 'x'.repeat(16 * 1024 * 1024 + 1), 'value'],
];

const BAD_PUT_OPTIONS: [string, unknown][] = [
  ['negative ttl', { ttlMs: -1 }],
  ['zero ttl', { ttlMs: 0 }],
  ['NaN ttl', { ttlMs: Number.NaN }],
  ['infinite ttl', { ttlMs: Number.POSITIVE_INFINITY }],
  ['string ttl', { ttlMs: '1000' }],
  ['null ttl', { ttlMs: null }],
  ['a misspelt option', { ttl: 1000 }],
  ['null options', null],
  ['string options', '1000'],
];

const BAD_LIST_OPTIONS: [string, unknown][] = [
  ['limit 0', { limit: 0 }],
  ['negative limit', { limit: -1 }],
  ['fractional limit', { limit: 1.5 }],
  ['NaN limit', { limit: Number.NaN }],
  ['infinite limit', { limit: Number.POSITIVE_INFINITY }],
  ['string limit', { limit: '10' }],
  ['empty after', { after: '' }],
  ['after over 512 bytes', { after: 'a'.repeat(513) }],
  ['numeric after', { after: 5 }],
  ['numeric prefix', { prefix: 1 }],
  ['prefix over 512 bytes', { prefix: 'p'.repeat(513) }],
  ['prefix with NUL', { prefix: '\u0000' }],
  ['a misspelt option', { prefx: 'a' }],
  ['null options', null],
  ['array options', ['a']],
];

describe('bad input is refused with the documented code and changes nothing', () => {
  // One database for the file: every call here must leave it unchanged, and expectRefused checks that.
  const fx = useKV({ scope: 'file' });
  const setup = async () => {
    const f = fx();
    if (!databases.has(f.kv)) {
      databases.set(f.kv, f.db);
      await f.kv.put(RUN, 'existing', { keep: true });
    }
    return f;
  };

  describe.each(BAD_KEYS)('key %s', (_name, key) => {
    it.each(withKey(key))('%s → INVALID_ARGUMENT', async (_m, call) => {
      await expectRefused(await setup(), call, 'INVALID_ARGUMENT');
    });
  });

  // The title names the case and the path, never the value (one of them is 16 MiB).
  it.each(BAD_VALUES.map(([name, value, path]) => [name, path, value] as const))(
    'value %s → INVALID_VALUE naming %s',
    async (_name, path, value) => {
      const f = await setup();
      await expectRefused(f, (kv) => kv.put(RUN, 'k', value as Value), 'INVALID_VALUE', path);
      await expectRefused(
        f,
        (kv) => f.db.transaction((tx) => kv.in(tx, RUN).put('k', value as Value)),
        'INVALID_VALUE',
        path,
      );
    },
  );

  it.each(BAD_PUT_OPTIONS)('put with %s → INVALID_ARGUMENT', async (_name, opts) => {
    const f = await setup();
    await expectRefused(f, (kv) => kv.put(RUN, 'existing', 'replaced', opts as never), 'INVALID_ARGUMENT');
    await expectRefused(
      f,
      (kv) => f.db.transaction((tx) => kv.in(tx, RUN).put('existing', 'replaced', opts as never)),
      'INVALID_ARGUMENT',
    );
  });

  it.each(BAD_LIST_OPTIONS)('list/listWithValues with %s → INVALID_ARGUMENT', async (_name, opts) => {
    const f = await setup();
    await expectRefused(f, (kv) => kv.list(RUN, opts as never), 'INVALID_ARGUMENT');
    await expectRefused(f, (kv) => kv.listWithValues(RUN, opts as never), 'INVALID_ARGUMENT');
    await expectRefused(
      f,
      (kv) => f.db.transaction((tx) => kv.in(tx, RUN).list(opts as never)),
      'INVALID_ARGUMENT',
    );
  });

  it.each([
    ['a string', 'k'],
    ['null', null],
    ['undefined', undefined],
    ['an object', { 0: 'k', length: 1 }],
  ])('getMany with %s instead of an array → INVALID_ARGUMENT', async (_name, keys) => {
    await expectRefused(await setup(), (kv) => kv.getMany(RUN, keys as never), 'INVALID_ARGUMENT');
  });

  it('getMany names the position of a bad key', async () => {
    const { kv } = await setup();
    await expect(kv.getMany(RUN, ['a', 'b', ''])).rejects.toThrow(/keys\[2\]/);
  });

  it.each(hostileValues())('a hostile value: %s', async (_name, make, outcome) => {
    const f = await setup();
    if ('refused' in outcome) {
      await expectRefused(f, (kv) => kv.put(RUN, 'k', make() as Value), outcome.refused);
      await expectRefused(
        f,
        (kv) => f.db.transaction((tx) => kv.in(tx, RUN).put('k', make() as Value)),
        outcome.refused,
      );
      return;
    }
    // Valid on its one read: stored exactly as read, whatever a second read would say.
    await f.kv.put(RUN, 'hostile', make() as Value);
    expect(await f.kv.get(RUN, 'hostile')).toStrictEqual(outcome.stored);
    await f.kv.delete(RUN, 'hostile');
  });

  it.each(badOptions({ ttlMs: 1000 }, { ttl: 'ttlMs', ttlms: 'ttlMs', expiresIn: 'ttlMs' }))(
    'put options: %s → INVALID_ARGUMENT',
    async (_name, opts) => {
      const f = await setup();
      await expectRefused(f, (kv) => kv.put(RUN, 'existing', 'replaced', opts as never), 'INVALID_ARGUMENT');
    },
  );

  it.each(badOptions({ prefix: 'e', limit: 1 }, { prefx: 'prefix', limt: 'limit', start: 'after' }))(
    'list options: %s → INVALID_ARGUMENT',
    async (_name, opts) => {
      const f = await setup();
      await expectRefused(f, (kv) => kv.list(RUN, opts as never), 'INVALID_ARGUMENT');
      await expectRefused(f, (kv) => kv.listWithValues(RUN, opts as never), 'INVALID_ARGUMENT');
    },
  );

  it('a misspelt option names the closest one', async () => {
    const { kv } = await setup();
    await expect(kv.put(RUN, 'k', 1, { ttl: 5 } as never)).rejects.toThrow('did you mean "ttlMs"?');
    await expect(kv.list(RUN, { prefx: 'a' } as never)).rejects.toThrow('did you mean "prefix"?');
  });

  it('options read through getters are read once: the prefix checked is the prefix listed', async () => {
    const { kv } = await setup();
    expect(await kv.list(RUN, flipping('prefix', 'exi', '\u0000') as never)).toStrictEqual(['existing']);
  });
});
