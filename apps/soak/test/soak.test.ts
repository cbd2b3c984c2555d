import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Runs the built soak program and returns its exit code and JSON result line. */
function soak(args: string[]): Promise<{ code: number | null; result: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args, '--json'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ code, result: JSON.parse(last) as Record<string, unknown> });
      } catch {
        reject(new Error(`the soak printed no result line: ${out.slice(-2000)}`));
      }
    });
  });
}

describe('soak: writers across all five primitives, SIGKILLed and restarted at random', () => {
  // Bounded for the test suite (`pnpm soak -- --minutes 30` runs the long form). Frequent kills mean
  // frequent opens, the moment LMDB's lock file can go stale (engine README, "Durability").
  it('loses no acknowledged transaction and leaves every invariant intact', async () => {
    const { code, result } = await soak([
      '--seconds',
      '30',
      '--workers',
      '3',
      '--durability',
      'mixed',
      '--kill-every',
      '50-300',
    ]);
    expect(result.problems).toEqual([]);
    expect(result.lostAcknowledged).toBe(0);
    expect(result.workerErrors).toEqual(expect.not.objectContaining({ STORAGE: expect.anything() }));
    expect(result.ok).toBe(true);
    expect(code).toBe(0);
    expect(result.kills as number).toBeGreaterThan(50);
    const acked = result.acknowledged as Record<string, number>;
    for (const kind of ['transfer', 'job', 'complete', 'delete']) expect(acked[kind]).toBeGreaterThan(0);
  }, 180_000);
});
