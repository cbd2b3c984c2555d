import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '@agentdb/engine';
import { tempDir } from '@agentdb/engine/testing';
import { beforeAll, expect, it } from 'vitest';
import { EventLog } from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const ACKS_BEFORE_KILL = 400;

beforeAll(() => {
  // The child imports the built package: build it from the current sources.
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: join(here, '..'), stdio: 'inherit' });
});

/** Runs the appending child until it has acknowledged `acks` events, then SIGKILLs it. */
function runAndKill(dir: string, runId: string, acks: number): Promise<Map<number, string>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, 'fixtures', 'append-child.mjs'), dir, runId], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const acked = new Map<number, string>();
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, seq, hash] = line.split(' ');
        if (kind === 'ack') acked.set(Number(seq), hash!);
      }
      if (acked.size >= acks && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`child exited early: code ${code}, signal ${signal}`));
      else resolve(acked);
    });
  });
}

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
