import { Key, runRange, TypeTag, tagRange } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect, counterKey, increment } from './helpers.js';

let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase();
});
afterEach(() => t.dispose());

describe('serializability', () => {
  it('1,000 concurrent increments of one hot key end exact, none with CONFLICT', async () => {
    const results = await Promise.all(Array.from({ length: 1000 }, () => increment(t.db)));
    expect(await t.db.get(counterKey())).toBe(1000);
    expect(new Set(results).size).toBe(1000);
    expect(t.db.stats().conflicts).toBeGreaterThan(0); // contention really happened
  });

  it('write skew: of two transactions that each read both keys and write one, only one commits first try', async () => {
    const a = Key.kv('r', 'a');
    const b = Key.kv('r', 'b');
    await t.db.transaction((tx) => {
      tx.put(a, 1);
      tx.put(b, 1);
    });
    // Invariant: a + b >= 1. Each transaction takes one away if the sum allows it.
    const takeAway = (key: Uint8Array) =>
      t.db.transaction(
        async (tx) => {
          const sum = Number(await tx.get(a)) + Number(await tx.get(b));
          await new Promise((r) => setTimeout(r, 20)); // both read before either commits
          if (sum >= 2) tx.put(key, 0);
          return sum;
        },
        { retries: 5 },
      );
    await Promise.all([takeAway(a), takeAway(b)]);
    expect(Number(await t.db.get(a)) + Number(await t.db.get(b))).toBe(1);
    expect(t.db.stats().conflicts).toBe(1);
  });

  it('phantom: a scan of a prefix conflicts with an insert into it', async () => {
    const range = tagRange('r', TypeTag.KV);
    let attempts = 0;
    let inserted = false;
    await t.db.transaction(async (tx) => {
      attempts++;
      const seen = await collect(tx.scan(range));
      if (!inserted) {
        inserted = true;
        await t.db.transaction((other) => other.put(Key.kv('r', 'new'), 1));
      }
      tx.put(Key.kv('other-run', 'count'), seen.length);
    });
    expect(attempts).toBe(2);
    expect(await t.db.get(Key.kv('other-run', 'count'))).toBe(1);
  });

  it('a limited scan only depends on what it saw', async () => {
    await t.db.transaction((tx) => {
      for (const k of ['a', 'b', 'c']) tx.put(Key.kv('r', k), k);
    });
    let attempts = 0;
    let touched = false;
    await t.db.transaction(async (tx) => {
      attempts++;
      await collect(tx.scan(tagRange('r', TypeTag.KV), { limit: 1 }));
      if (!touched) {
        touched = true;
        await t.db.transaction((o) => o.put(Key.kv('r', 'z'), 1)); // beyond what was seen
      }
      tx.put(Key.kv('x', 'y'), 1);
    });
    expect(attempts).toBe(1);
  });

  it('A→B→A between read and commit is a conflict (versions, not values)', async () => {
    const k = Key.kv('r', 'flag');
    await t.db.transaction((tx) => tx.put(k, 'A'));
    let attempts = 0;
    await t.db.transaction(async (tx) => {
      attempts++;
      const v = await tx.get(k);
      if (attempts === 1) {
        await t.db.transaction((o) => o.put(k, 'B'));
        await t.db.transaction((o) => o.put(k, 'A'));
      }
      tx.put(Key.kv('r', 'seen'), v ?? null);
    });
    expect(attempts).toBe(2);
  });

  it('a read-only transaction never conflicts', async () => {
    const k = counterKey();
    let attempts = 0;
    const v = await t.db.transaction(async (tx) => {
      attempts++;
      const first = await tx.get(k);
      await increment(t.db);
      expect(await tx.get(k)).toBe(first); // snapshot: still the old value
      return first;
    });
    expect(v).toBeUndefined();
    expect(attempts).toBe(1);
    expect(await t.db.get(k)).toBe(1);
  });
});

describe('reads', () => {
  it('sees its own writes, deletes included, in get and scan', async () => {
    await t.db.transaction((tx) => {
      tx.put(Key.kv('r', 'a'), 1);
      tx.put(Key.kv('r', 'c'), 3);
    });
    await t.db.transaction(async (tx) => {
      tx.put(Key.kv('r', 'b'), 2);
      tx.delete(Key.kv('r', 'c'));
      tx.put(Key.kv('r', 'a'), 10);
      expect(await tx.get(Key.kv('r', 'b'))).toBe(2);
      expect(await tx.get(Key.kv('r', 'c'))).toBeUndefined();
      const all = await collect(tx.scan(tagRange('r', TypeTag.KV)));
      expect(all.map((e) => e.value)).toEqual([10, 2]);
      const rev = await collect(tx.scan(tagRange('r', TypeTag.KV), { reverse: true, limit: 1 }));
      expect(rev.map((e) => e.value)).toEqual([2]);
    });
  });

  it('entry versions are commit versions', async () => {
    const k = Key.kv('r', 'v');
    await t.db.transaction((tx) => tx.put(k, 1));
    const v1 = (await t.db.getEntry(k))!.version;
    await t.db.transaction((tx) => tx.put(Key.kv('r', 'other'), 1));
    await t.db.transaction((tx) => tx.put(k, 1));
    expect((await t.db.getEntry(k))!.version).toBe(v1 + 2);
    expect(t.db.stats().version).toBe(v1 + 2);
  });

  it('scans forward and reverse with bounds and limits, inside and outside transactions', async () => {
    await t.db.transaction((tx) => {
      for (let i = 0; i < 20; i++) tx.put(Key.event('r', i), i);
      tx.put(Key.event('r10', 0), 'other run');
    });
    const r = tagRange('r', TypeTag.Event);
    expect((await collect(t.db.scan(r))).map((e) => e.value)).toEqual([...Array(20).keys()]);
    expect((await collect(t.db.scan(r, { reverse: true, limit: 3 }))).map((e) => e.value)).toEqual([
      19, 18, 17,
    ]);
    expect((await collect(t.db.scan(runRange('r')))).length).toBe(20);
    const inTx = await t.db.transaction(async (tx) =>
      (await collect(tx.scan(r, { limit: 5 }))).map((e) => e.value),
    );
    expect(inTx).toEqual([0, 1, 2, 3, 4]);
    const from = { start: Key.event('r', 5), end: Key.event('r', 8) };
    expect((await collect(t.db.scan(from, { reverse: true }))).map((e) => e.value)).toEqual([7, 6, 5]);
  });

  it('a limited scan reads exactly the entries it returns', async () => {
    await t.db.transaction((tx) => {
      for (let i = 0; i < 50; i++) tx.put(Key.event('r', i), i);
    });
    const r = tagRange('r', TypeTag.Event);
    let before = t.db.stats().reads;
    await collect(t.db.scan(r, { limit: 5 }));
    expect(t.db.stats().reads - before).toBe(5);
    before = t.db.stats().reads;
    await t.db.transaction(async (tx) => collect(tx.scan(r, { limit: 5, reverse: true })));
    expect(t.db.stats().reads - before).toBe(5);
  });

  it('scans that stop early give their LMDB reader back (no MDB_READERS_FULL after hundreds)', async () => {
    await t.db.transaction((tx) => {
      for (let i = 0; i < 10; i++) tx.put(Key.event('r', i), i);
    });
    // LMDB has 126 reader slots by default; each leaked cursor would hold one.
    for (let i = 0; i < 300; i++) {
      await t.db.transaction(async (tx) => {
        await collect(tx.scan(tagRange('r', TypeTag.Event), { limit: 2 }));
        for await (const _ of tx.scan(tagRange('r', TypeTag.Event))) break;
        tx.put(Key.kv('r', 'n'), i);
      });
    }
    expect(await t.db.get(Key.kv('r', 'n'))).toBe(299);
  });

  it("tx.getMany sees the transaction's own writes and its reads conflict like get", async () => {
    await t.db.transaction((tx) => tx.put(Key.kv('r', 'a'), 1));
    let attempts = 0;
    const seen = await t.db.transaction(async (tx) => {
      attempts++;
      tx.put(Key.kv('r', 'b'), 2);
      const values = await tx.getMany([Key.kv('r', 'a'), Key.kv('r', 'b'), Key.kv('r', 'none')]);
      if (attempts === 1) await t.db.transaction((o) => o.put(Key.kv('r', 'a'), 10));
      tx.put(Key.kv('r', 'c'), 3);
      return values;
    });
    expect(seen).toEqual([10, 2, undefined]);
    expect(attempts).toBe(2);
  });

  it('getMany reads one snapshot', async () => {
    await t.db.transaction((tx) => {
      tx.put(Key.kv('r', 'a'), 1);
      tx.put(Key.kv('r', 'b'), 2);
    });
    expect(await t.db.getMany([Key.kv('r', 'a'), Key.kv('r', 'zz'), Key.kv('r', 'b')])).toEqual([
      1,
      undefined,
      2,
    ]);
  });
});
