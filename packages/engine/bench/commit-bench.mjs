// Micro-benchmark (mitata): 1,000 concurrent AgentDB commits, each one put, against raw lmdb-js
// batched puts of the same data in the same process — both strict (awaiting the flush to disk).
// The baseline is lmdb-js as a user would call it: put(key, value) with its default key and value
// encoders (ordered-binary, msgpackr), so both sides encode every key and value.
// Run: pnpm --filter @agentdb/engine bench   (after a build)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Key } from '@agentdb/core';
import { open } from 'lmdb';
import { bench, run } from 'mitata';
import { Database } from '../dist/index.js';

const N = 1000;
const dirs = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'agentdb-bench-'));
  dirs.push(d);
  return d;
};
const value = { text: 'tool result', n: 42, tags: ['a', 'b'] };

const raw = open({ path: dir(), compression: false });
const rawDb = raw.openDB({ name: 'data' });
const db = await Database.open({ path: dir(), durability: 'strict', sweepIntervalMs: 0 });

let round = 0;
bench('raw lmdb-js batched put ×1000 (strict)', async () => {
  const r = round++;
  const writes = [];
  for (let i = 0; i < N; i++) writes.push(rawDb.put(['bench', `k${r}-${i}`], value));
  await Promise.all(writes);
  await raw.flushed;
});
bench('AgentDB transaction put ×1000 concurrent (strict)', async () => {
  const r = round++;
  const commits = [];
  for (let i = 0; i < N; i++)
    commits.push(db.transaction((tx) => tx.put(Key.kv('bench', `k${r}-${i}`), value)));
  await Promise.all(commits);
});

const result = await run({ format: 'quiet' });
const opsPerSec = (name) => {
  const b = result.benchmarks.find((x) => x.alias === name);
  return N / (b.runs[0].stats.avg / 1e9);
};
const rawOps = opsPerSec('raw lmdb-js batched put ×1000 (strict)');
const ours = opsPerSec('AgentDB transaction put ×1000 concurrent (strict)');
console.log(`raw lmdb-js batched put: ${Math.round(rawOps).toLocaleString('en-US')} puts/s`);
console.log(`AgentDB batched commits: ${Math.round(ours).toLocaleString('en-US')} commits/s`);
console.log(`ratio: ${(ours / rawOps).toFixed(2)} (target ≥ 0.50, i.e. within 2×)`);
await db.close();
await raw.close();
for (const d of dirs) rmSync(d, { recursive: true, force: true });
