// Child process of the memory workload: inserts `records` KV entries or events into a fresh buffered
// database in transactions of `batch`, and prints one JSON line per `step` records with the memory it
// used. A separate process, so earlier workloads' peaks do not hide this one's.
// Usage: node dist/memory-child.js <kv|events> <records> <step> <batch> <dir>
import { readFileSync } from 'node:fs';
import { AgentDB } from '@agentdb/primitives';
import type { MemoryStep } from './result.js';
import { EVENT_PAYLOAD, KV_VALUE } from './workloads/fixtures.js';

const MiB = 1024 * 1024;
const [kind, recordsArg, stepArg, batchArg, dir] = process.argv.slice(2);
const records = Number(recordsArg);
const step = Number(stepArg);
const batch = Number(batchArg);
if ((kind !== 'kv' && kind !== 'events') || !(records > 0 && step > 0 && batch > 0) || dir === undefined) {
  console.error('usage: memory-child <kv|events> <records> <step> <batch> <dir>');
  process.exit(2);
}

/** RssAnon and RssFile in bytes from /proc/self/status (undefined off Linux). */
function rssParts(): { anon: number; file: number } | undefined {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
    return { anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return undefined;
  }
}

const db = await AgentDB.open({ path: dir, durability: 'buffered', sweepIntervalMs: 0 });
let peak = 0;
let peakAnon = 0;
let stepStart = performance.now();
let stepFirst = 0;
for (let done = 0; done < records; ) {
  const count = Math.min(batch, records - done);
  const first = done;
  await db.transaction('memory', async (tx) => {
    for (let i = first; i < first + count; i++) {
      if (kind === 'kv') await tx.kv.put(`key-${String(i).padStart(9, '0')}`, KV_VALUE);
      else tx.events.append('tool_call', EVENT_PAYLOAD);
    }
  });
  done += count;
  peak = Math.max(peak, process.memoryUsage.rss());
  const parts = rssParts();
  if (parts !== undefined) peakAnon = Math.max(peakAnon, parts.anon);
  if (done % step === 0 || done === records) {
    const mem = process.memoryUsage();
    const sample: MemoryStep = {
      stored: done,
      peakRssMiB: Math.round(peak / MiB),
      ...(parts === undefined
        ? {}
        : { peakAnonMiB: Math.round(peakAnon / MiB), fileMiB: Math.round(parts.file / MiB) }),
      rssMiB: Math.round(mem.rss / MiB),
      heapUsedMiB: Math.round(mem.heapUsed / MiB),
      externalMiB: Math.round(mem.external / MiB),
      opsPerSec: Math.round((done - stepFirst) / ((performance.now() - stepStart) / 1000)),
    };
    process.stdout.write(`${JSON.stringify(sample)}\n`);
    peak = 0;
    peakAnon = 0;
    stepFirst = done;
    stepStart = performance.now();
  }
}
await db.close();
