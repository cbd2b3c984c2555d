import { describe, expect, it } from 'vitest';
import { type KVFixture, useKV } from './helpers.js';

const RUN = 'run-ttl';

/** What every read method says about `key`, so one assertion covers them all. */
async function observe({ kv, db }: KVFixture, key: string) {
  const inTx = await db.transaction(
    async (tx) => {
      const view = kv.in(tx);
      return { get: await view.get(key), exists: await view.exists(key), list: await view.list() };
    },
    { runId: RUN },
  );
  return {
    get: await kv.get(RUN, key),
    exists: await kv.exists(RUN, key),
    getMany: await kv.getMany(RUN, [key]),
    list: await kv.list(RUN),
    listWithValues: await kv.listWithValues(RUN, { prefix: key.slice(0, 1) }),
    inTx,
  };
}

describe('TTL', () => {
  const fx = useKV();

  it('an entry is visible before expiry, absent from every read at expiry, and swept after', async () => {
    const f = fx();
    const { kv, db, clock } = f;
    await kv.put(RUN, 'cache', { hits: 3 }, { ttlMs: 1_000 });
    await kv.put(RUN, 'keep', 'forever');
    const visible = {
      get: { hits: 3 },
      exists: true,
      getMany: [{ hits: 3 }],
      list: ['cache', 'keep'],
      listWithValues: [{ key: 'cache', value: { hits: 3 } }],
      inTx: { get: { hits: 3 }, exists: true, list: ['cache', 'keep'] },
    };
    expect(await observe(f, 'cache')).toStrictEqual(visible);

    clock.advance(999);
    expect(await observe(f, 'cache')).toStrictEqual(visible);

    clock.advance(1); // exactly at expiry
    const gone = {
      get: undefined,
      exists: false,
      getMany: [undefined],
      list: ['keep'],
      listWithValues: [],
      inTx: { get: undefined, exists: false, list: ['keep'] },
    };
    expect(await observe(f, 'cache')).toStrictEqual(gone);
    expect(await kv.delete(RUN, 'cache')).toBe(false); // expired is not "existed"

    // Still stored until swept; then physically gone, and the data still verifies.
    expect(db.stats().entries).toBe(2);
    expect(await db.sweepExpired()).toBe(1);
    expect(db.stats().entries).toBe(1);
    expect(await observe(f, 'cache')).toStrictEqual(gone);
    expect(await kv.get(RUN, 'keep')).toBe('forever');
    expect((await db.verify()).ok).toBe(true);
  });

  it('put without ttlMs replaces an expiring entry with a permanent one', async () => {
    const { kv, db, clock } = fx();
    await kv.put(RUN, 'k', 1, { ttlMs: 10 });
    await kv.put(RUN, 'k', 2);
    clock.advance(1_000);
    expect(await kv.get(RUN, 'k')).toBe(2);
    expect(await db.sweepExpired()).toBe(0);
    expect(await kv.get(RUN, 'k')).toBe(2);
  });

  it('put with ttlMs over an expired key makes it live again with the new expiry', async () => {
    const { kv, clock } = fx();
    await kv.put(RUN, 'k', 'old', { ttlMs: 10 });
    clock.advance(10);
    expect(await kv.exists(RUN, 'k')).toBe(false);
    await kv.put(RUN, 'k', 'new', { ttlMs: 10 });
    expect(await kv.get(RUN, 'k')).toBe('new');
    clock.advance(9);
    expect(await kv.get(RUN, 'k')).toBe('new');
    clock.advance(1);
    expect(await kv.get(RUN, 'k')).toBeUndefined();
  });

  it('expired keys do not count toward a page limit', async () => {
    const { kv, clock } = fx();
    await kv.put(RUN, 'a', 1, { ttlMs: 5 });
    await kv.put(RUN, 'b', 2, { ttlMs: 5 });
    await kv.put(RUN, 'c', 3);
    await kv.put(RUN, 'd', 4);
    clock.advance(5);
    expect(await kv.list(RUN, { limit: 2 })).toStrictEqual(['c', 'd']);
  });

  it('a put with ttlMs inside a transaction expires like a direct one', async () => {
    const { kv, db, clock } = fx();
    await db.transaction((tx) => kv.in(tx).put('t', 'x', { ttlMs: 50 }), { runId: RUN });
    clock.advance(49);
    expect(await kv.get(RUN, 't')).toBe('x');
    clock.advance(1);
    expect(await kv.get(RUN, 't')).toBeUndefined();
  });
});
