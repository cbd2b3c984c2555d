import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Key } from '@agentdb/core';
import type { Database } from '../src/index.js';

/** A counter key in a test run. */
export const counterKey = (name = 'counter', run = 'run-1') => Key.kv(run, name);

/** Increments a counter in one optimistic transaction. */
export function increment(db: Database, key = counterKey()): Promise<number> {
  return db.transaction(async (tx) => {
    const n = Number((await tx.get(key)) ?? 0) + 1;
    tx.put(key, n);
    return n;
  });
}

/** Collects an async iterable. */
export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Starts a fixture script (test/fixtures/<name>.mjs) as a real child process with an IPC channel. */
export function startFixture(name: string, args: string[]) {
  return fork(fileURLToPath(new URL(`./fixtures/${name}.mjs`, import.meta.url)), args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}
