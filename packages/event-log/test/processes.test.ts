import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '@agentdb/engine';
import { tempDir } from '@agentdb/engine/testing';
import { beforeAll, expect, it } from 'vitest';
import { EventLog } from '../src/index.js';
import { runAndKill } from './child.js';

const here = dirname(fileURLToPath(import.meta.url));
const ACKS_BEFORE_KILL = 400;

beforeAll(() => {
  // The child imports the built package: build it from the current sources.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: join(here, '..'), stdio: 'inherit' });
});

it('after a SIGKILL in the middle of strict appends, every acknowledged event is present and the chain verifies', async () => {
  const dir = tempDir();
  try {
    const acked = await runAndKill(dir, 'crash-run', ACKS_BEFORE_KILL);
    expect(acked.size).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

    const db = await Database.open({ path: dir, durability: 'strict', sweepIntervalMs: 0 });
    try {
      const events = new EventLog(db);
      const length = await events.len('crash-run');
      expect(length).toBeGreaterThanOrEqual(Math.max(...acked.keys()) + 1);
      for (const [sequence, hash] of acked)
        expect((await events.read('crash-run', sequence))?.hash).toBe(hash);
      expect(await events.verifyChain('crash-run')).toEqual({ valid: true, length });
      // No transaction is half-applied: each batch transaction's three events are all there or none.
      const parts = new Map<number, number>();
      for (const e of await events.readByType('crash-run', 'batch')) {
        const k = (e.payload as { k: number }).k;
        parts.set(k, (parts.get(k) ?? 0) + 1);
      }
      expect(parts.size).toBeGreaterThan(0);
      expect([...parts.values()].every((n) => n === 3)).toBe(true);
      expect(await db.verify()).toEqual({ ok: true, problems: [] });
      // The log goes on where it stopped.
      expect((await events.append('crash-run', 'after', null)).sequence).toBe(length);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('two processes appending to one run, followed live by a third, share one contiguous chain', async () => {
  const dir = tempDir();
  const db = await Database.open({ path: dir, durability: 'strict', sweepIntervalMs: 0 });
  try {
    const events = new EventLog(db);
    await events.append('shared', 'opened', null); // create the environment before the children race
    const ac = new AbortController();
    const followed: { sequence: number; hash: string }[] = [];
    const follower = (async () => {
      for await (const e of events.iter('shared', { follow: true, signal: ac.signal, batchSize: 64 })) {
        followed.push({ sequence: e.sequence, hash: e.hash });
      }
    })();
    const [a, b] = await Promise.all([runAndKill(dir, 'shared', 150), runAndKill(dir, 'shared', 150)]);
    const length = await events.len('shared');
    // The follower catches up with everything committed before the kills, then stops.
    // (The deadline only turns a missed wake-up into a failure instead of a hang.)
    for (let waited = 0; followed.length < length && waited < 10_000; waited += 20) {
      await new Promise((r) => setTimeout(r, 20));
    }
    ac.abort();
    await follower;

    const overlap = [...a.keys()].filter((s) => b.has(s));
    expect(overlap).toEqual([]);
    for (const [sequence, hash] of [...a, ...b])
      expect((await events.read('shared', sequence))?.hash).toBe(hash);
    expect(length).toBeGreaterThanOrEqual(1 + a.size + b.size);
    expect(await events.verifyChain('shared')).toEqual({ valid: true, length });
    expect(followed.map((e) => e.sequence)).toEqual(Array.from({ length }, (_, i) => i));
    const stored = await events.readRange('shared', 0, length);
    expect(followed.map((e) => e.hash)).toEqual(stored.map((e) => e.hash));
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
