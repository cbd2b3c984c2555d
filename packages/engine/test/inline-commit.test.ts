import { Key } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
afterEach(() => t.dispose());

const key = (name: string | number) => Key.kv('r', String(name));

describe('in-line commits', () => {
  it('a lone awaited commit commits in-line; commits submitted in one turn share a batch on the write thread', async () => {
    t = await openTestDatabase();
    const start = t.db.stats();
    for (let i = 0; i < 20; i++) await t.db.transaction((tx) => tx.put(key(i), i));
    const afterLone = t.db.stats();
    expect(afterLone.inlineCommits - start.inlineCommits).toBe(20);

    await Promise.all(Array.from({ length: 100 }, (_, i) => t.db.transaction((tx) => tx.put(key(i), -i))));
    const afterBurst = t.db.stats();
    expect(afterBurst.commits - afterLone.commits).toBe(100);
    expect(afterBurst.inlineCommits).toBe(afterLone.inlineCommits);
    expect(await t.db.get(key(99))).toBe(-99);
  });

  it('inlineCommits: false sends every commit to the write thread', async () => {
    t = await openTestDatabase({ inlineCommits: false });
    for (let i = 0; i < 5; i++) await t.db.transaction((tx) => tx.put(key(i), i));
    expect(t.db.stats().inlineCommits).toBe(0);
    expect(await t.db.get(key(4))).toBe(4);
  });

  it('a lone commit that loses to a conflict is retried, and both writers end up applied', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => tx.put(key('n'), 0));
    const increment = () =>
      t.db.transaction(async (tx) => {
        const n = Number(await tx.get(key('n')));
        // Let the other increment read the same value first.
        await new Promise((resolve) => setImmediate(resolve));
        tx.put(key('n'), n + 1);
      });
    await Promise.all([increment(), increment()]);
    expect(await t.db.get(key('n'))).toBe(2);
  });

  it('a lone commit submitted while another write transaction is queued goes to the write thread too', async () => {
    // Begun in-line while lmdb-js's write thread holds the writer lock, the transaction would be folded
    // into that thread's batch: acknowledged as on disk before the batch's fsync.
    t = await openTestDatabase({ sweepIntervalMs: 0 });
    const before = t.db.stats().inlineCommits;
    const sweep = t.db.sweepExpired(); // an asynchronous write transaction, queued now
    await t.db.transaction((tx) => tx.put(key('lone'), 1));
    await sweep;
    expect(t.db.stats().inlineCommits).toBe(before);
    expect(await t.db.get(key('lone'))).toBe(1);
    await t.db.transaction((tx) => tx.put(key('lone'), 2)); // nothing queued now: in-line
    expect(t.db.stats().inlineCommits).toBe(before + 1);
  });

  it('lone commits, bursts and sweeps interleaved: every commit lands, in-line or not, and nothing waits forever', {
    timeout: 60_000,
  }, async () => {
    // Lone commits go to the write thread whenever a sweep or a batch is in flight there; a commit
    // that waited forever would fail this test by its timeout.
    t = await openTestDatabase({ sweepIntervalMs: 0 });
    const model = new Map<string, number>();
    let n = 0;
    const put = (k: number) => {
      const v = n++;
      model.set(String(k), v);
      return t.db.transaction((tx) => tx.put(key(k), v, { ttlMs: 60_000 }));
    };
    const start = t.db.stats();
    for (let round = 0; round < 200; round++) {
      const pending: Promise<unknown>[] = [];
      switch (round % 4) {
        case 0: // a sweep's write transaction, then a lone commit in the next turn
          pending.push(t.db.sweepExpired());
          await new Promise((resolve) => setImmediate(resolve));
          pending.push(put(round % 50));
          break;
        case 1: // a burst in one turn
          for (let i = 0; i < 10; i++) pending.push(put((round + i) % 50));
          break;
        case 2: // a lone commit, awaited
          await put(round % 50);
          break;
        default: // a lone commit racing a burst submitted one turn later
          pending.push(put(round % 50));
          await new Promise((resolve) => setImmediate(resolve));
          for (let i = 0; i < 5; i++) pending.push(put((round + 7 * i) % 50));
      }
      await Promise.all(pending);
    }
    const end = t.db.stats();
    expect(end.commits - start.commits).toBe(n);
    const inline = end.inlineCommits - start.inlineCommits;
    expect(inline).toBeGreaterThanOrEqual(50); // at least every awaited lone commit
    expect(inline).toBeLessThan(n);
    for (const [k, v] of model) expect(await t.db.get(key(k))).toBe(v);
  });
});
