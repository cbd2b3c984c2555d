import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext } from '../context.js';
import type { BenchResult, MemoryStep } from '../result.js';
import { Scratch } from '../scratch.js';

// Always the built child (dist/), also when this module runs from src/ under vitest.
const CHILD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'memory-child.js');

/**
 * The memory rows: peak RSS while inserting 1M KV entries and 1M events in
 * batches, sampled per step, each in its own child process. "Flat" means the peak anonymous RSS
 * (process memory, without the resident pages of LMDB's mapped file — page cache the kernel can drop)
 * of the last step is within max(25%, 64 MiB) of the first step's: memory does not grow with what is
 * already stored. Total RSS is reported beside it.
 */
export async function memoryWorkloads({ cfg, log }: BenchContext): Promise<BenchResult[]> {
  const mem = cfg.memory;
  if (mem === undefined) return [];
  const rows: BenchResult[] = [];
  for (const kind of ['kv', 'events'] as const) {
    const scratch = new Scratch();
    try {
      const what = kind === 'kv' ? 'KV entries' : 'events';
      log(`memory: inserting ${mem.records.toLocaleString('en-US')} ${what}`);
      const steps = await runChild([kind, mem.records, mem.step, mem.batch, scratch.dir(`memory-${kind}`)]);
      const first = steps[0]!;
      const last = steps.at(-1)!;
      const peakOf = (x: MemoryStep) => x.peakAnonMiB ?? x.peakRssMiB;
      const growth = peakOf(last) - peakOf(first);
      // Seconds spent: each step's size over its rate.
      const total = steps.reduce((s, x, i) => s + (x.stored - (steps[i - 1]?.stored ?? 0)) / x.opsPerSec, 0);
      rows.push({
        workload: `memory: insert ${mem.records.toLocaleString('en-US')} ${what} (${mem.batch.toLocaleString('en-US')} per txn)`,
        opsPerSec: Math.round(last.stored / total),
        baseline: null,
        baselineOpsPerSec: null,
        ratio: null,
        target: 'peak anonymous RSS flat w.r.t. stored (last step ≤ first step + max(25%, 64 MiB))',
        met: growth <= Math.max(peakOf(first) * 0.25, 64),
        dataSize: mem.records,
        durability: 'buffered',
        usPerOp: Math.round((total / last.stored) * 1e8) / 100,
        memory: steps,
        note: `peak anonymous RSS ${peakOf(first)} MiB in the first step, ${peakOf(last)} MiB in the last; total RSS ${first.peakRssMiB} → ${last.peakRssMiB} MiB`,
      });
    } finally {
      scratch.dispose();
    }
  }
  return rows;
}

function runChild(args: (string | number)[]): Promise<MemoryStep[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, ...args.map(String)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`memory child exited with ${code}`));
      resolve(
        out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as MemoryStep),
      );
    });
  });
}
