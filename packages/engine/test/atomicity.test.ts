import { AgentDBError, Key, runRange } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect, increment } from './helpers.js';

let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase();
});
afterEach(() => t.dispose());

describe('atomicity', () => {
  it('a transaction that throws after several writes leaves nothing, and its error comes out unchanged', async () => {
    const boom = new Error('boom');
    await expect(
      t.db.transaction(async (tx) => {
        tx.put(Key.kv('r', 'a'), 1);
        tx.put(Key.state('r', 'b'), 2);
        tx.delete(Key.kv('r', 'c'));
        await tx.get(Key.kv('r', 'a'));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await collect(t.db.scan(runRange('r')))).toEqual([]);
    expect(t.db.stats().version).toBe(0);
  });

  it('gives CONFLICT after the allowed attempts', async () => {
    const k = Key.kv('r', 'n');
    const err = await t.db
      .transaction(
        async (tx) => {
          await tx.get(k);
          await increment(t.db, k); // someone else always wins in between
          tx.put(k, -1);
        },
        { retries: 3 },
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AgentDBError);
    expect((err as AgentDBError).code).toBe('CONFLICT');
    expect((err as AgentDBError).attempts).toBe(3);
    expect(await t.db.get(k)).toBe(3);
  });

  it('gives TIMEOUT when the deadline passes, committing nothing', async () => {
    const err = await t.db
      .transaction(
        async (tx) => {
          tx.put(Key.kv('r', 'late'), 1);
          await new Promise((r) => setTimeout(r, 30));
        },
        { timeoutMs: 5 },
      )
      .catch((e: unknown) => e);
    expect((err as AgentDBError).code).toBe('TIMEOUT');
    expect(await t.db.get(Key.kv('r', 'late'))).toBeUndefined();
  });

  it('commits concurrent independent transactions in shared batches', async () => {
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => t.db.transaction((tx) => tx.put(Key.kv('r', `k${i}`), i))),
    );
    expect((await collect(t.db.scan(runRange('r')))).length).toBe(500);
    expect(t.db.stats().commits).toBe(500);
    expect((await t.db.verify()).ok).toBe(true);
  });

  it('gives TIMEOUT while queued behind another retry of the same key, and the queue keeps moving', async () => {
    const k = Key.kv('r', 'queued');
    await t.db.transaction((tx) => tx.put(k, 'initial'));
    const gate = () => {
      let open!: () => void;
      const p = new Promise<void>((r) => {
        open = r;
      });
      return { p, open };
    };
    const xFirst = gate();
    const xSecond = gate();
    const xRetrying = gate();
    const yReady = gate();
    const yGo = gate();
    let xAttempts = 0;
    // X conflicts once, then holds the retry lock on k while its second attempt waits.
    const x = t.db.transaction(async (tx) => {
      xAttempts++;
      await tx.get(k);
      if (xAttempts === 1) await xFirst.p;
      else {
        xRetrying.open();
        await xSecond.p;
      }
      tx.put(k, 'x');
    });
    // Y reads k, then (after k changed) commits, conflicts, and queues for the lock X holds.
    const y = t.db.transaction(
      async (tx) => {
        await tx.get(k);
        yReady.open();
        await yGo.p;
        tx.put(k, 'y');
      },
      { timeoutMs: 300, retries: 5 },
    );
    await yReady.p;
    await t.db.transaction((tx) => tx.put(k, 'outside'));
    xFirst.open();
    await xRetrying.p;
    yGo.open();
    await expect(y).rejects.toMatchObject({ code: 'TIMEOUT' });
    xSecond.open();
    await x;
    expect(await t.db.get(k)).toBe('x');
    // Y's abandoned place in the queue was released: a new retry on k gets the lock, well in time.
    let attempts = 0;
    await t.db.transaction(
      async (tx) => {
        attempts++;
        await tx.get(k);
        if (attempts === 1) await t.db.transaction((other) => other.put(k, 'outside again'));
        tx.put(k, 'z');
      },
      { timeoutMs: 5_000 },
    );
    expect([attempts, await t.db.get(k)]).toEqual([2, 'z']);
  });
});
