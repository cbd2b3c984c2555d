import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { CLAIM_AFTER } from '../src/claims.js';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';
import { counterKey, startFixture } from './helpers.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function freshDatabaseDir(): Promise<string> {
  const path = tempDir();
  dirs.push(path);
  await (await Database.open({ path, sweepIntervalMs: 0 })).close();
  return path;
}

/** Starts the fixture incrementing the counter in a tight loop; resolves once it has committed. */
async function startHammer(path: string) {
  const child = startFixture('writer', [path, 'strict', 'hammer']);
  children.push(child);
  let committed = 0;
  child.on('message', (m: { committed?: number }) => {
    if (m.committed !== undefined) committed = m.committed;
  });
  while (committed === 0) await sleep(5);
  return {
    committed: () => committed,
    stop: () =>
      new Promise<number>((resolve) => {
        child.on('message', (m: { done?: number }) => {
          if (m.done !== undefined) resolve(m.done);
        });
        child.send('stop');
      }),
  };
}

describe('claims: fairness against another process', () => {
  it('a transaction starved by another process claims its keys and commits on the next attempt', async () => {
    const path = await freshDatabaseDir();
    const hammer = await startHammer(path);
    const db = await Database.open({ path, sweepIntervalMs: 0 });
    /** Resolves once the other process has committed past `seen` (read outside the transaction). */
    const otherCommitted = async (seen: number) => {
      while (Number(await db.get(counterKey())) === seen) await sleep(2);
    };
    let attempts = 0;
    // Every attempt up to CLAIM_AFTER waits until the other process has changed what it read, so it
    // must lose. The attempt after that has claimed the key: it waits 100 ms (dozens of the other
    // process's commits) and still must commit, because the claim holds the other process off.
    await db.transaction(async (tx) => {
      attempts++;
      const n = Number(await tx.get(counterKey()));
      if (attempts <= CLAIM_AFTER) await otherCommitted(n);
      else await sleep(100);
      tx.put(counterKey(), n + 1_000_000);
    });
    expect(attempts).toBe(CLAIM_AFTER + 1);
    const hammered = await hammer.stop();
    // No update was lost on either side: every increment of the other process counts.
    expect(await db.get(counterKey())).toBe(1_000_000 + hammered);
    expect((await db.verify()).ok).toBe(true);
    await db.close();
  });

  // Starving the fixture takes as many lost races as the hammer can win: minutes, not seconds, when the
  // whole suite shares two cores.
  it("a writer refused by a killed claimant's claim waits for it to expire, using none of its attempts", async () => {
    const path = await freshDatabaseDir();
    const hammer = await startHammer(path);
    const starving = startFixture('writer', [path, 'strict', 'starve', String(CLAIM_AFTER)]);
    children.push(starving);
    await new Promise<void>((resolve) => {
      starving.on('message', (m: { claimed?: boolean }) => {
        if (m.claimed) resolve();
      });
    });
    starving.kill('SIGKILL');
    // The claim outlives its owner by at most CLAIM_TTL_MS. A blind write cannot lose an optimistic
    // race, so with a single attempt it can only have been held off by the claim, then committed:
    // being refused by a claim is waiting, not losing.
    const db = await Database.open({ path, sweepIntervalMs: 0 });
    await db.transaction((tx) => tx.put(counterKey(), -1_000_000), { retries: 1 });
    expect(db.stats()).toMatchObject({ claimWaits: expect.any(Number), conflicts: 0, aborts: 0 });
    expect(db.stats().claimWaits).toBeGreaterThan(0);
    await hammer.stop();
    expect(Number(await db.get(counterKey()))).toBeLessThan(0); // the hammer went on from our write
    expect((await db.verify()).ok).toBe(true);
    await db.close();
  }, 240_000);
});
