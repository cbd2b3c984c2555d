#!/usr/bin/env node
// One soak worker: random transactions from workload.ts until it is killed. Prints `<kind> <id>` for
// every acknowledged transaction, `stale <n>` when the engine's count of repaired stale write
// transactions grows, and `error <code> <message>` for every failed one.
import { randomBytes } from 'node:crypto';
import { AgentDB } from '@agentdb/primitives';
import { ACCOUNTS, completeJob, createJob, deleteJob, transfer } from './workload.js';

const [dir, name, durability] = process.argv.slice(2);
if (dir === undefined || name === undefined || (durability !== 'strict' && durability !== 'buffered')) {
  process.stderr.write('usage: worker.js <dir> <name> strict|buffered\n');
  process.exit(2);
}
const db = await AgentDB.open({ path: dir, durability, sweepIntervalMs: 200 });
const say = (line: string) => process.stdout.write(`${line}\n`);
const active: string[] = [];
const completed: string[] = [];
const pick = (list: string[]) => list.splice(Math.floor(Math.random() * list.length), 1)[0]!;
// Ids must never repeat across restarts: after thousands of kills the OS hands out a process id again,
// so a random tag per incarnation goes into every id along with it.
const incarnation = `${name}-${process.pid}-${randomBytes(4).toString('hex')}`;
let n = 0;
let stale = 0;
/** Reports the engine's count of repaired stale write transactions when it grows (the open's own included). */
const reportStale = () => {
  const now = db.engine.stats().staleStarts;
  if (now === stale) return;
  stale = now;
  say(`stale ${stale}`);
};
reportStale();

for (;;) {
  const id = `${incarnation}-${n++}`;
  const r = Math.random();
  try {
    if (r < 0.7 || (r >= 0.85 && active.length === 0 && completed.length === 0)) {
      const from = Math.floor(Math.random() * ACCOUNTS);
      const to = (from + 1 + Math.floor(Math.random() * (ACCOUNTS - 1))) % ACCOUNTS;
      const amount = 1 + Math.floor(Math.random() * 5);
      if (await transfer(db, { id, from, to, amount })) say(`transfer ${id}`);
    } else if (r < 0.85) {
      await createJob(db, id);
      active.push(id);
      say(`job ${id}`);
    } else if (r < 0.95 && active.length > 0) {
      const job = pick(active);
      await completeJob(db, job);
      completed.push(job);
      say(`complete ${job}`);
    } else if (completed.length > 0) {
      const job = pick(completed);
      await deleteJob(db, job);
      say(`delete ${job}`);
    } else {
      const job = pick(active);
      await completeJob(db, job);
      completed.push(job);
      say(`complete ${job}`);
    }
  } catch (e) {
    const err = e as { code?: string; message?: string };
    process.stderr.write(`error ${err.code ?? 'EXCEPTION'} ${String(err.message).replace(/\n/g, ' ')}\n`);
  }
  reportStale();
}
