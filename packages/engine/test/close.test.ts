import { Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

let t: TestDatabase;
afterEach(() => t.dispose());

const key = (name: string | number) => Key.kv('r', String(name));

describe('close() drains', () => {
  it('1,000 puts and appends called before close() all commit, and close() resolves after the last', async () => {
    t = await openTestDatabase();
    const calls: Promise<unknown>[] = [];
    // Each function awaits a read first, as the primitives' views do, so every commit is submitted after
    // close() has been called.
    for (let i = 0; i < 500; i++) {
      calls.push(
        t.db.transaction(async (tx) => {
          await tx.get(key(i));
          tx.put(key(i), i);
        }),
      );
      calls.push(
        t.db.transaction(async (tx) => {
          await tx.get(key(i));
          // An append: a commit-time mutation of the run's head that also writes the event.
          tx.mutate(Key.kv('r', 'head'), (head, ctx) => {
            const seq = head === undefined ? 0 : Number(head) + 1;
            ctx.put(Key.event('r', seq), { i });
            return { value: seq, result: seq };
          });
        }),
      );
    }
    let settledBeforeClose = 0;
    for (const c of calls)
      c.then(
        () => settledBeforeClose++,
        () => settledBeforeClose++,
      );
    await t.db.close();
    expect(settledBeforeClose).toBe(1000);
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const db = await t.reopen();
    for (let i = 0; i < 500; i++) expect(await db.get(key(i))).toBe(i);
    expect(await db.get(Key.kv('r', 'head'))).toBe(499);
    expect((await collect(db.scan(runRange('r')))).length).toBe(500 + 1 + 500);
    expect((await db.verify()).problems).toEqual([]);
  });

  it('calls made after close() reject with CLOSED, every public method alike', async () => {
    t = await openTestDatabase();
    const closing = t.db.close();
    const db = t.db;
    const calls: [string, () => Promise<unknown>][] = [
      ['transaction', () => db.transaction((tx) => tx.put(key(1), 1))],
      ['get', () => db.get(key(1))],
      ['getEntry', () => db.getEntry(key(1))],
      ['getMany', () => db.getMany([key(1)])],
      ['scan', () => collect(db.scan(runRange('r')))],
      ['verify', () => db.verify()],
      ['sweepExpired', () => db.sweepExpired()],
    ];
    for (const [name, call] of calls) {
      let p: Promise<unknown> | undefined;
      expect(() => {
        p = call();
      }, `${name} threw instead of rejecting`).not.toThrow();
      await expect(p, name).rejects.toMatchObject({ code: 'CLOSED' });
    }
    expect(() => db.stats()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
    await closing;
  });

  it('a transaction paused inside tx.scan when close() is called finishes first, and commits', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => {
      for (let i = 0; i < 100; i++) tx.put(key(i), i);
    });
    let resume!: () => void;
    const gate = new Promise<void>((r) => {
      resume = r;
    });
    let seen = 0;
    const running = t.db.transaction(async (tx) => {
      for await (const _ of tx.scan(runRange('r'))) {
        if (seen++ === 0) await gate; // paused after the first entry
      }
      tx.put(key('scanned'), seen);
    });
    await new Promise((r) => setTimeout(r, 20));
    let closed = false;
    const closing = t.db.close().then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).toBe(false); // waiting for the transaction
    resume();
    await running;
    await closing;
    expect(seen).toBe(100);
    const db = await t.reopen();
    expect(await db.get(key('scanned'))).toBe(100);
  });

  it('a db.scan paused when close() is called fails with CLOSED at its next step; close() does not wait for it', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => {
      for (let i = 0; i < 10; i++) tx.put(key(i), i);
    });
    const it = t.db.scan(runRange('r'))[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    await t.db.close();
    await expect(it.next()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('a changes({ follow }) iteration ends when the database closes', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => tx.put(key(1), 1));
    const seen: number[] = [];
    const following = (async () => {
      for await (const c of t.db.changes({ follow: true })) seen.push(c.version);
    })();
    await new Promise((r) => setTimeout(r, 30));
    await t.db.close();
    await following;
    expect(seen).toEqual([1]);
  });
});

describe('a database opened and closed many times', () => {
  it('closing with nothing in flight is immediate and idempotent', async () => {
    t = await openTestDatabase();
    await Promise.all([t.db.close(), t.db.close()]);
    const db = await Database.open({ path: t.path });
    await db.close();
    await db.close();
  });
});
