import { rmSync } from 'node:fs';
import { Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';
import { collect, startFixture } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function crashWhileWriting(durability: 'strict' | 'buffered') {
  const path = tempDir();
  dirs.push(path);
  const child = startFixture('writer', [path, durability, 'stream']);
  const acked: number[] = [];
  await new Promise<void>((resolve) => {
    child.on('message', (m: { acked?: number }) => {
      if (m.acked !== undefined) acked.push(m.acked);
      if (acked.length >= 600) {
        child.kill('SIGKILL');
        resolve();
      }
    });
  });
  await new Promise((r) => child.once('exit', r));
  const db = await Database.open({ path, durability, sweepIntervalMs: 0 });
  try {
    const a = new Map((await collect(db.scan(runRange('run-1')))).map((e) => [e.key.toString(), e.value]));
    const present: number[] = [];
    // Every commit is whole: its three keys are all present with the same number, or all absent.
    for (let n = 0; n < Math.max(...acked) + 200; n++) {
      const parts = [
        await db.get(Key.kv('run-1', `a${n}`)),
        await db.get(Key.state('run-1', `b${n}`)),
        await db.get(Key.event('run-2', n)),
      ];
      const defined = parts.filter((p) => p !== undefined);
      expect(defined.length === 0 || (defined.length === 3 && defined.every((p) => p === n))).toBe(true);
      if (defined.length === 3) present.push(n);
    }
    expect(a.size).toBeGreaterThan(0);
    const verify = await db.verify();
    expect(verify.problems).toEqual([]);
    return { acked, present: new Set(present) };
  } finally {
    await db.close();
  }
}

describe('durability under SIGKILL', () => {
  it('strict: every acknowledged commit survives, none is half-applied, verify is clean', async () => {
    const { acked, present } = await crashWhileWriting('strict');
    const lost = acked.filter((n) => !present.has(n));
    expect(lost).toEqual([]);
  });

  it('buffered: no commit is torn and verify is clean; a process crash loses nothing the OS had', async () => {
    const { acked, present } = await crashWhileWriting('buffered');
    // A process kill (unlike a power loss) leaves committed pages in the OS cache, so nothing acknowledged is lost.
    expect(acked.filter((n) => !present.has(n))).toEqual([]);
  });
});

describe('two processes', () => {
  it('two OS processes incrementing one counter 2,000 times each end at exactly 4,000', async () => {
    const path = tempDir();
    dirs.push(path);
    const init = await Database.open({ path, sweepIntervalMs: 0 });
    await init.close();
    const run = () =>
      new Promise<void>((resolve, reject) => {
        const child = startFixture('writer', [path, 'strict', 'increment', '2000']);
        child.on('message', (m: { done?: boolean }) => {
          if (m.done) resolve();
        });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited with ${code}`))));
      });
    await Promise.all([run(), run()]);
    const db = await Database.open({ path, sweepIntervalMs: 0 });
    expect(await db.get(Key.kv('run-1', 'counter'))).toBe(4000);
    expect((await db.verify()).ok).toBe(true);
    await db.close();
  });
});
