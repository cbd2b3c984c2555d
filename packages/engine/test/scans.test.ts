import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase, tempDir } from '../src/testing.js';

let t: TestDatabase | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await t?.dispose();
  t = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const key = (name: string | number) => Key.kv('r', String(name));

describe('scans that are started and never finished', () => {
  it('release their snapshots when garbage-collected: 1,000 dropped scans do not fill the reader table', () => {
    const path = tempDir();
    dirs.push(path);
    const out = execFileSync(
      process.execPath,
      ['--expose-gc', fileURLToPath(new URL('./fixtures/abandon-scans.mjs', import.meta.url)), path],
      { encoding: 'utf8' },
    );
    const result = JSON.parse(out.trim()) as Record<string, unknown>;
    expect(result).toMatchObject({ scans: 1000, value: 1 });
    expect(result.failure).toBeUndefined();
  });

  it('release their snapshots after scanIdleTimeoutMs; the next step fails with TIMEOUT', async () => {
    t = await openTestDatabase({ scanIdleTimeoutMs: 100 });
    await t.db.transaction((tx) => {
      for (let i = 0; i < 5; i++) tx.put(key(i), i);
    });
    const it = t.db.scan(runRange('r'))[Symbol.asyncIterator]();
    await it.next();
    expect(t.db.stats().openSnapshots).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(t.db.stats().openSnapshots).toBe(0);
    await expect(it.next()).rejects.toMatchObject({
      code: 'TIMEOUT',
      message: expect.stringMatching(/scanIdleTimeoutMs/),
    });
  });

  it('a scan that keeps moving is never released, however long it runs', async () => {
    t = await openTestDatabase({ scanIdleTimeoutMs: 100 });
    await t.db.transaction((tx) => {
      for (let i = 0; i < 8; i++) tx.put(key(i), i);
    });
    let seen = 0;
    for await (const _ of t.db.scan(runRange('r'))) {
      seen++;
      await new Promise((r) => setTimeout(r, 60)); // 8 × 60 ms: longer than the limit in total
    }
    expect(seen).toBe(8);
  });

  it('a full reader table is STORAGE with a message saying what to do, and reads work again once scans end', async () => {
    t = await openTestDatabase({ scanIdleTimeoutMs: 0 });
    const open: AsyncIterator<unknown>[] = [];
    let failure: unknown;
    for (let i = 0; i < 200 && failure === undefined; i++) {
      const it = t.db.scan(runRange('r'))[Symbol.asyncIterator]();
      try {
        await it.next();
        open.push(it);
        await t.db.transaction((tx) => tx.put(key(i), i)); // a new commit, so the next scan pins a new snapshot
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toMatchObject({
      code: 'STORAGE',
      message: expect.stringMatching(/reader table is full.*Finish/s),
    });
    for (const it of open) await it.return?.();
    expect(t.db.stats().openSnapshots).toBe(0);
    await t.db.transaction((tx) => tx.put(key('after'), 1));
    expect(await t.db.get(key('after'))).toBe(1);
  });
});
