import { Key } from '@agentdb/core';
import { open } from 'lmdb';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
afterEach(() => t.dispose());

/** Rolls the stored commit-version counter back, as a write transaction on a stale state would see it. */
async function rollBackCounter(path: string, to: number): Promise<void> {
  const env = open({ path, noSubdir: false, maxDbs: 8, compression: false });
  const meta = env.openDB<number, string>({ name: 'meta' });
  await meta.put('version', to);
  await env.close();
}

describe('a write transaction that sees an older state than already observed', () => {
  it('is refused with STORAGE before anything is written', async () => {
    t = await openTestDatabase();
    const k = Key.kv('r', 'counter');
    for (let i = 1; i <= 3; i++) await t.db.transaction((tx) => tx.put(k, i));
    await rollBackCounter(t.path, 1); // an outside writer (a broken one) rewinds the counter
    const db = await t.reopen();
    expect((await db.getEntry(k))?.version).toBe(3); // this process has now seen commit 3
    await expect(db.transaction((tx) => tx.put(Key.kv('r', 'other'), 1))).rejects.toMatchObject({
      code: 'STORAGE',
    });
    expect(await db.get(Key.kv('r', 'other'))).toBeUndefined();
  });

  it('does not get in the way of ordinary commits', async () => {
    t = await openTestDatabase();
    const k = Key.kv('r', 'counter');
    for (let i = 0; i < 20; i++) {
      await t.db.transaction(async (tx) => tx.put(k, Number((await tx.get(k)) ?? 0) + 1));
    }
    expect(await t.db.get(k)).toBe(20);
  });
});
