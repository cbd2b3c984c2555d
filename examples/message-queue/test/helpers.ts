import { type EncodedKey, runRange } from '@agentdb/core';
import type { Database, MutationHandle } from '@agentdb/engine';
import {
  dumpStore,
  type ManualClock,
  manualClock,
  openTestDatabase,
  type StoreDump,
  type TestDatabase,
} from '@agentdb/engine/testing';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { MessageQueue, type MessageQueueOptions } from '../src/index.js';

export interface QueueFixture {
  t: TestDatabase;
  db: Database;
  queue: MessageQueue;
  clock: ManualClock;
}

/**
 * A real LMDB database (buffered durability: durability is not what these tests are about) with a
 * manual clock and a MessageQueue on it: fresh per test, or with `scope: 'file'` one per file.
 */
export function useQueue(
  opts: { scope?: 'test' | 'file'; queue?: MessageQueueOptions } = {},
): () => QueueFixture {
  let fixture: QueueFixture | undefined;
  const [setUp, tearDown] = opts.scope === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  setUp(async () => {
    const clock = manualClock();
    const t = await openTestDatabase({ durability: 'buffered', clock });
    fixture = { t, db: t.db, queue: new MessageQueue(t.db, opts.queue), clock };
  });
  tearDown(async () => {
    await fixture?.t.dispose();
    fixture = undefined;
  });
  return () => {
    if (fixture === undefined) throw new Error('useQueue fixture used outside a test');
    return fixture;
  };
}

/** Sends `messages` to one queue in a single transaction; returns their sequences. */
export async function sendAll(
  f: QueueFixture,
  runId: string,
  queue: string,
  messages: readonly number[],
): Promise<number[]> {
  const handles: MutationHandle<number>[] = [];
  await f.db.transaction(
    (tx) => {
      const view = f.queue.in(tx);
      for (const m of messages) handles.push(view.send(queue, m));
    },
    { runId },
  );
  return Promise.all(handles);
}

/** Every key stored under `runId` (all tags), in key order. */
export async function keysOfRun(db: Database, runId: string): Promise<EncodedKey[]> {
  const out: EncodedKey[] = [];
  for await (const { key } of db.scan(runRange(runId))) out.push(key);
  return out;
}

/** Every key and value stored under `runId`, as comparable plain data. */
export async function dumpRun(db: Database, runId: string): Promise<StoreDump['entries']> {
  return (await dumpStore(db, [runRange(runId)])).entries;
}

/** `[0, 1, …, n − 1]`. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
