import { setTimeout as sleep } from 'node:timers/promises';
import { Key } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';

describe('buffered durability', () => {
  it('closing while the deferred full sync runs waits for it (the environment must outlive it)', async () => {
    const path = tempDir();
    // flushIntervalMs 1: the deferred sync starts about when close() does. A close that freed the
    // environment under a running sync would crash this process.
    for (let i = 0; i < 40; i++) {
      const db = await Database.open({
        path,
        durability: 'buffered',
        flushIntervalMs: 1,
        sweepIntervalMs: 0,
      });
      await db.transaction((tx) => tx.put(Key.kv('r', 'k'), i));
      await sleep(i % 3);
      await db.close();
    }
    const db = await Database.open({ path, sweepIntervalMs: 0 });
    expect(await db.get(Key.kv('r', 'k'))).toBe(39);
    expect((await db.verify()).ok).toBe(true);
    await db.close();
  });
});
