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
    // Steps well under the idle limit (a wide margin for a loaded machine), the whole scan well over it.
    t = await openTestDatabase({ scanIdleTimeoutMs: 2_000 });
    await t.db.transaction((tx) => {
      for (let i = 0; i < 8; i++) tx.put(key(i), i);
    });
    let seen = 0;
    for await (const _ of t.db.scan(runRange('r'))) {
      seen++;
      await new Promise((r) => setTimeout(r, 350));
    }
    expect(seen).toBe(8);
  });

  it('when the reader table fills, paused scans of this process give up their slots instead of failing reads', async () => {
    t = await openTestDatabase({ scanIdleTimeoutMs: 0 });
    await t.db.transaction((tx) => {
      tx.put(key('a'), 1);
      tx.put(key('b'), 2);
    });
    const open: AsyncIterator<unknown>[] = [];
    for (let i = 0; i < 200; i++) {
      const it = t.db.scan(runRange('r'))[Symbol.asyncIterator]();
      expect((await it.next()).done).toBe(false);
      open.push(it);
      await t.db.transaction((tx) => tx.put(key(i), i)); // a new commit, so the next scan pins a new snapshot
    }
    expect(await t.db.get(key(199))).toBe(199);
    await expect(open[0]!.next()).rejects.toMatchObject({
      code: 'STORAGE',
      message: expect.stringMatching(/reader table was full/),
    });
    for (const it of open) await it.return?.();
  });

  it('a reader table full of open transactions is STORAGE with a message saying what to do', async () => {
    t = await openTestDatabase({ scanIdleTimeoutMs: 0 });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const holding: Promise<unknown>[] = [];
    let failure: unknown;
    for (let i = 0; i < 200 && failure === undefined; i++) {
      let pinned!: () => void;
      const reading = new Promise<void>((r) => {
        pinned = r;
      });
      const running = t.db.transaction(async (tx) => {
        await tx.get(key('x')); // pins a snapshot
        pinned();
        await gate;
      });
      holding.push(running.catch((error: unknown) => (failure = error)));
      await Promise.race([reading, running.catch(() => {})]);
      await t.db.transaction((tx) => tx.put(key(i), i)).catch((error: unknown) => (failure = error));
    }
    expect(failure).toMatchObject({
      code: 'STORAGE',
      message: expect.stringMatching(/reader table is full.*Finish/s),
    });
    release();
    await Promise.all(holding);
    expect(t.db.stats().openSnapshots).toBe(0);
    await t.db.transaction((tx) => tx.put(key('after'), 1));
    expect(await t.db.get(key('after'))).toBe(1);
  });
});
