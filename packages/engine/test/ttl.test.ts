import { Key, runRange } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock, openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

let t: TestDatabase;
let clock: ManualClock;
beforeEach(async () => {
  clock = manualClock();
  t = await openTestDatabase({ clock, sweepBatchSize: 7 });
});
afterEach(() => t.dispose());

describe('TTL', () => {
  it('an entry is visible before its expiry and absent from every read at it', async () => {
    const k = Key.kv('r', 'cache');
    await t.db.transaction((tx) => tx.put(k, 'hit', { ttlMs: 1000 }));
    expect(await t.db.get(k)).toBe('hit');
    expect((await t.db.getEntry(k))!.expiresAt).toBe(clock() + 1000);
    clock.advance(999);
    expect(await t.db.get(k)).toBe('hit');
    clock.advance(1);
    expect(await t.db.get(k)).toBeUndefined();
    expect(await t.db.getMany([k])).toEqual([undefined]);
    expect(await collect(t.db.scan(runRange('r')))).toEqual([]);
    expect(await t.db.transaction((tx) => tx.get(k))).toBeUndefined();
  });

  it('includeExpired scans see entries the sweeper has not removed yet', async () => {
    await t.db.transaction((tx) => tx.put(Key.kv('r', 'gone'), 1, { ttlMs: 5 }));
    clock.advance(10);
    expect(await collect(t.db.scan(runRange('r')))).toEqual([]);
    const all = await collect(t.db.scan(runRange('r'), { includeExpired: true }));
    expect(all.map((e) => e.value)).toEqual([1]);
    await t.db.transaction(async (tx) => {
      for await (const { key } of tx.scan(runRange('r'), { includeExpired: true })) tx.delete(key);
    });
    expect(t.db.stats().entries).toBe(0);
  });

  it('sweeping deletes expired entries from disk in bounded batches, as logged commits', async () => {
    await t.db.transaction((tx) => {
      for (let i = 0; i < 30; i++) tx.put(Key.kv('r', `e${i}`), i, { ttlMs: 100 + i });
      tx.put(Key.kv('r', 'forever'), 1);
    });
    expect(t.db.stats().entries).toBe(31);
    clock.advance(115);
    expect(await t.db.sweepExpired()).toBe(16); // expiries +100…+115
    expect(t.db.stats().entries).toBe(15);
    clock.advance(1000);
    expect(await t.db.sweepExpired()).toBe(14);
    expect(t.db.stats().entries).toBe(1);
    expect(t.db.stats().version).toBeGreaterThanOrEqual(4); // 1 write + at least 3 bounded sweep commits
    expect((await t.db.verify()).ok).toBe(true);
  });

  it('a rewrite without TTL survives the old expiry (stale index entries are skipped)', async () => {
    const k = Key.kv('r', 'k');
    await t.db.transaction((tx) => tx.put(k, 1, { ttlMs: 10 }));
    await t.db.transaction((tx) => tx.put(k, 2));
    clock.advance(100);
    expect(await t.db.sweepExpired()).toBe(0);
    expect(await t.db.get(k)).toBe(2);
  });

  it('the background sweeper runs on its own', async () => {
    await t.dispose();
    t = await openTestDatabase({ clock, sweepIntervalMs: 20 });
    await t.db.transaction((tx) => tx.put(Key.kv('r', 'k'), 1, { ttlMs: 5 }));
    clock.advance(10);
    for (let i = 0; i < 100 && t.db.stats().entries > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(t.db.stats().entries).toBe(0);
  });

  it('close waits for a sweep in progress, which finishes its batch', async () => {
    await t.db.transaction((tx) => {
      for (let i = 0; i < 5; i++) tx.put(Key.kv('r', `s${i}`), i, { ttlMs: 10 });
    });
    clock.set(clock() + 60_000);
    const sweeping = t.db.sweepExpired();
    await t.db.close();
    expect(await sweeping).toBe(5);
    const db = await t.reopen();
    expect(db.stats().entries).toBe(0);
  });
});

describe('TTL when the clock steps backwards', () => {
  it('an entry that has read as expired stays expired, before and after the sweep, and after reopening', async () => {
    const clock = manualClock();
    const t = await openTestDatabase({ clock });
    try {
      await t.db.transaction((tx) => {
        for (let i = 0; i < 200; i++) tx.put(Key.kv('r', `k${i}`), i, { ttlMs: 1_000 });
      });
      clock.advance(2_000);
      expect(await collect(t.db.scan(runRange('r')))).toEqual([]);
      clock.advance(-1_500); // before the expiry again, nothing swept yet
      expect(await t.db.get(Key.kv('r', 'k0'))).toBeUndefined();
      expect(await collect(t.db.scan(runRange('r')))).toEqual([]);
      expect(await t.db.transaction((tx) => tx.get(Key.kv('r', 'k1')))).toBeUndefined();
      // A new TTL counts from the time the database has already reached, so it does not expire at once.
      await t.db.transaction((tx) => tx.put(Key.kv('r', 'fresh'), 1, { ttlMs: 1_000 }));
      expect(await t.db.get(Key.kv('r', 'fresh'))).toBe(1);
      const db = await t.reopen();
      expect(await collect(db.scan(runRange('r')))).toEqual([expect.objectContaining({ value: 1 })]);
      expect(await db.sweepExpired()).toBe(200);
    } finally {
      await t.dispose();
    }
  });
});
