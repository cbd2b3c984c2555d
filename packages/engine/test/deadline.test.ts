import { Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { MutationHandle } from '../src/index.js';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
afterEach(() => t.dispose());

const key = (name: string) => Key.kv('r', name);
const never = () => new Promise<never>(() => {});

describe('timeoutMs is a real deadline', () => {
  it('a transaction whose function never settles rejects with TIMEOUT at the deadline', async () => {
    t = await openTestDatabase();
    const started = performance.now();
    await expect(t.db.transaction(never, { timeoutMs: 200 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(195);
    expect(waited).toBeLessThan(5_000); // a deadline, not a hang (generous: this is a shared machine)
  });

  it('its writes never commit, its mutation handles reject, and later calls on tx reject with TIMEOUT', async () => {
    t = await openTestDatabase();
    let handle!: MutationHandle<number>;
    let carryOn!: () => void;
    const paused = new Promise<void>((r) => {
      carryOn = r;
    });
    let later: Promise<unknown> | undefined;
    const running = t.db.transaction(
      async (tx) => {
        tx.put(key('written'), 1);
        handle = tx.mutate(key('counter'), (n) => ({ value: Number(n ?? 0) + 1, result: Number(n ?? 0) }));
        await paused;
        later = tx.get(key('written')).catch((error: unknown) => error);
        tx.put(key('late'), 2);
      },
      { timeoutMs: 100 },
    );
    await expect(running).rejects.toMatchObject({ code: 'TIMEOUT' });
    await expect(handle).rejects.toMatchObject({ code: 'TIMEOUT' });
    carryOn();
    await new Promise((r) => setTimeout(r, 20));
    expect(await later).toMatchObject({ code: 'TIMEOUT' });
    expect(await t.db.get(key('written'))).toBeUndefined();
    expect(await t.db.get(key('late'))).toBeUndefined();
    expect(await t.db.get(key('counter'))).toBeUndefined();
    expect(t.db.stats().version).toBe(0);
  });

  it('releases its snapshot and in-process locks at once, so others go on', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => tx.put(key('hot'), 0));
    // A transaction that lost once holds the in-process lock of the key it retries on; make it hang there.
    let attempts = 0;
    const stuck = t.db.transaction(
      async (tx) => {
        attempts++;
        const n = Number(await tx.get(key('hot')));
        if (attempts === 1) await t.db.transaction((other) => other.put(key('hot'), n + 100));
        else await never();
        tx.put(key('hot'), n + 1);
      },
      { timeoutMs: 3_000 }, // room for the first attempt and its conflict on a loaded machine
    );
    await expect(stuck).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(attempts).toBe(2);
    expect(t.db.stats().openSnapshots).toBe(0);
    // The lock is free: a read-modify-write of the same key commits at once.
    await t.db.transaction(async (tx) => tx.put(key('hot'), Number(await tx.get(key('hot'))) + 1), {
      timeoutMs: 1_000,
    });
    expect(await t.db.get(key('hot'))).toBe(101);
  });

  it('a scan inside a timed-out transaction stops with TIMEOUT at its next step', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => {
      for (let i = 0; i < 10; i++) tx.put(key(`k${i}`), i);
    });
    let failure: unknown;
    const running = t.db.transaction(
      async (tx) => {
        try {
          for await (const _ of tx.scan(runRange('r'))) await new Promise((r) => setTimeout(r, 60));
        } catch (error) {
          failure = error;
        }
      },
      { timeoutMs: 100 },
    );
    await expect(running).rejects.toMatchObject({ code: 'TIMEOUT' });
    await new Promise((r) => setTimeout(r, 150));
    expect(failure).toMatchObject({ code: 'TIMEOUT' });
  });

  it('close() does not wait for a transaction that timed out', async () => {
    t = await openTestDatabase();
    const running = t.db.transaction(never, { timeoutMs: 50 });
    await expect(running).rejects.toMatchObject({ code: 'TIMEOUT' });
    await t.db.close();
  });
});
