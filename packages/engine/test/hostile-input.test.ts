import { type ErrorCode, isAgentDBError, Key, MAX_STORED_DEPTH, runRange, type Value } from '@agentdb/core';
import { badOptions, flipping, hostileValues } from '@agentdb/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { manualClock, openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

// Misspelt options, options that are not plain objects, values that change as they are read and
// strings that are not well-formed UTF-16: each is refused before anything is written (or, for a value
// that is valid on its one read, stored exactly as read), on a real database.

const clock = manualClock();
let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase({ clock });
  await t.db.transaction((tx) => tx.put(Key.kv('r', 'existing'), 1));
});
afterEach(() => t.dispose());

const k = Key.kv('r', 'k');

/** The whole run and the commit counter: what a refused call must leave as it was. */
async function dump(db: Database) {
  return { version: db.stats().version, entries: await collect(db.scan(runRange('r'))) };
}

async function expectRefused(act: () => Promise<unknown>, code: ErrorCode = 'INVALID_ARGUMENT') {
  const before = await dump(t.db);
  const error = await act().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isAgentDBError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  expect(await dump(t.db)).toStrictEqual(before);
  return error as Error;
}

describe('misspelt and non-plain options are refused everywhere, naming the closest option', () => {
  it.each([
    ['transaction', { retires: 1 }, 'retries', () => t.db.transaction(() => 1, { retires: 1 } as never)],
    ['transaction', { timeout: 5 }, 'timeoutMs', () => t.db.transaction(() => 1, { timeout: 5 } as never)],
    ['put', { ttl: 5 }, 'ttlMs', () => t.db.transaction((tx) => tx.put(k, 1, { ttl: 5 } as never))],
    ['scan', { limt: 1 }, 'limit', () => collect(t.db.scan(runRange('r'), { limt: 1 } as never))],
    [
      'scan',
      { revers: true },
      'reverse',
      () => t.db.transaction((tx) => collect(tx.scan(runRange('r'), { revers: true } as never))),
    ],
    ['changes', { sinse: 0 }, 'since', () => collect(t.db.changes({ sinse: 0 } as never))],
  ])('%s %o → suggests %s', async (method, _opts, right, act) => {
    const e = await expectRefused(act);
    expect(e.message).toContain(`unknown ${method} option`);
    expect(e.message).toContain(`did you mean "${right}"?`);
  });

  it.each([
    ['sweepInterval', 'sweepIntervalMs'],
    ['readonly', 'readOnly'],
    ['durabilty', 'durability'],
  ])('Database.open({ %s }) → suggests %s', async (wrong, right) => {
    await expect(Database.open({ [wrong]: 1 } as never)).rejects.toThrow(`did you mean "${right}"?`);
  });

  it.each(badOptions({ retries: 2, timeoutMs: 1000 }, { retires: 'retries', timeout: 'timeoutMs' }))(
    'transaction options: %s',
    async (_name, opts) => {
      await expectRefused(() => t.db.transaction((tx) => tx.put(k, 1), opts as never));
    },
  );

  it.each(badOptions({ ttlMs: 1000 }, { ttl: 'ttlMs', TTL: 'ttlMs' }))(
    'put options: %s',
    async (_name, opts) => {
      await expectRefused(() => t.db.transaction((tx) => tx.put(k, 1, opts as never)));
    },
  );

  it.each(badOptions({ limit: 1, reverse: true }, { limt: 'limit' }))(
    'scan options: %s',
    async (_name, opts) => {
      await expectRefused(() => collect(t.db.scan(runRange('r'), opts as never)));
    },
  );

  it.each(badOptions({ since: 0 }, { from: 'since' }))('changes options: %s', async (_name, opts) => {
    await expectRefused(() => collect(t.db.changes(opts as never)));
  });

  it.each(badOptions({ sweepIntervalMs: 0 }, { sweepInterval: 'sweepIntervalMs' }))(
    'Database.open options: %s',
    async (_name, opts) => {
      await expect(Database.open(opts as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    },
  );

  it('a truthy non-boolean readOnly is refused, not read as false', async () => {
    await expect(Database.open({ path: t.path, readOnly: 'yes' } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('an option read through a getter is read once: the ttl checked is the ttl stored', async () => {
    await t.db.transaction((tx) => tx.put(k, 1, flipping('ttlMs', 1000, -1) as never));
    expect((await t.db.getEntry(k))?.expiresAt).toBe(clock() + 1000);
  });
});

describe('values are read once and strings must be well-formed', () => {
  it.each(hostileValues())('put of %s', async (_name, make, outcome) => {
    if ('refused' in outcome) {
      await expectRefused(() => t.db.transaction((tx) => tx.put(k, make() as Value)), outcome.refused);
    } else {
      await t.db.transaction((tx) => tx.put(k, make() as Value));
      expect(await t.db.get(k)).toStrictEqual(outcome.stored);
    }
  });

  it.each([
    ['at the top level', 'x\ud800', 'value'],
    ['nested in an array', [1, ['\udfff']], 'value[1][0]'],
    ['nested in an object', { a: { b: 'ok', c: 'bad\ud800' } }, 'value.a.c'],
    ['in an object key', { a: { ['\ud800k']: 1 } }, 'value.a["\\ud800k"]'],
  ])('a lone surrogate %s → INVALID_VALUE naming %s; nothing written', async (_name, value, path) => {
    const e = await expectRefused(() => t.db.transaction((tx) => tx.put(k, value as Value)), 'INVALID_VALUE');
    expect((e as { path?: string }).path).toBe(path);
  });

  it('a well-formed string with surrogate pairs reads back exactly', async () => {
    const value = { '🌍': 'emoji 🌍 𝄞' };
    await t.db.transaction((tx) => tx.put(k, value));
    expect(await t.db.get(k)).toStrictEqual(value);
  });

  it('a stored value may nest MAX_STORED_DEPTH levels (room for a primitive record around a 512-level value)', async () => {
    const nest = (n: number): Value => {
      let v: Value = 1;
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    await t.db.transaction((tx) => tx.put(k, nest(MAX_STORED_DEPTH)));
    expect(await t.db.get(k)).toStrictEqual(nest(MAX_STORED_DEPTH));
    const e = await expectRefused(
      () => t.db.transaction((tx) => tx.put(k, nest(MAX_STORED_DEPTH + 1))),
      'INVALID_VALUE',
    );
    expect(e.message).toContain(`nested deeper than ${MAX_STORED_DEPTH} levels`);
  });
});
