import { Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/index.js';
import { failStorageWrites, openRawLog, openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

let t: TestDatabase;
afterEach(() => t.dispose());

const key = (name: string) => Key.kv('r', name);

/**
 * Three transactions that finish in the same tick, so they share one commit batch: TTL puts, a delete,
 * a mutation, and a scan (whose validation writes the batch's staged entries into LMDB mid-batch).
 */
function batch(db: Database): Promise<unknown>[] {
  let scanned!: () => void;
  const gate = new Promise<void>((resolve) => {
    scanned = resolve;
  });
  return [
    db.transaction(async (tx) => {
      const seen = await collect(tx.scan(runRange('r'), { limit: 2 }));
      tx.put(key('c'), seen.length);
      scanned();
    }),
    db.transaction(async (tx) => {
      await gate;
      tx.put(key('a'), 'a', { ttlMs: 60_000 });
      tx.put(key('b'), 'b');
    }),
    db.transaction(async (tx) => {
      await gate;
      tx.delete(key('base-1'));
      tx.mutate(key('counter'), (n) => ({ value: Number(n ?? 0) + 1, result: undefined }));
    }),
  ];
}

async function dump(db: Database) {
  return (await collect(db.scan(runRange('r')))).map((e) => [
    Buffer.from(e.key).toString('hex'),
    e.value,
    e.version,
  ]);
}

async function seed(): Promise<void> {
  t = await openTestDatabase({ walRetention: { commits: 3 } });
  for (let i = 0; i < 5; i++) await t.db.transaction((tx) => tx.put(key(`base-${i}`), i));
}

describe('a commit that fails part-way has not happened', () => {
  it('a failure at any write step of a batch rejects every transaction in it and leaves nothing', async () => {
    await seed();
    let steps = 0;
    const ops = new Set<string>();
    failStorageWrites(t.db, (op, n) => {
      ops.add(op);
      steps = n;
      return false;
    });
    await Promise.all(batch(t.db));
    await t.dispose();
    // Data puts and a delete, an expiry-index entry, the version counter, the log entry, log trimming.
    expect([...ops].sort()).toEqual(['logAppend', 'logRemove', 'metaSet', 'put', 'remove', 'ttlAdd']);

    for (let step = 1; step <= steps; step++) {
      await seed();
      const before = await dump(t.db);
      const version = t.db.stats().version;
      const stop = failStorageWrites(t.db, (_, n) => n === step);
      const outcomes = await Promise.allSettled(batch(t.db));
      stop();
      for (const o of outcomes) expect(o).toMatchObject({ status: 'rejected', reason: { code: 'STORAGE' } });
      expect(t.db.stats().version).toBe(version);
      const db = await t.reopen();
      expect(await dump(db)).toEqual(before);
      expect((await db.verify()).problems).toEqual([]);
      await Promise.all(batch(db)); // and the same batch commits once the storage works
      expect(await db.get(key('counter'))).toBe(1);
      await t.dispose();
    }
    t = await openTestDatabase(); // for afterEach
  });

  it('a damaged log entry does not make commits fail, and verify() reports it', async () => {
    await seed();
    await t.db.close();
    const log = await openRawLog(t.path);
    log.put(log.firsts()[0]!, new Uint8Array([1, 2, 3])); // the oldest entry, which retention would trim
    await log.close();
    const db = await t.reopen();
    await db.transaction((tx) => tx.put(key('after'), 'x'));
    expect(await db.get(key('after'))).toBe('x');
    const { ok, problems } = await db.verify();
    expect(ok).toBe(false);
    expect(problems.join('\n')).toMatch(/commit-log entry \d+ fails its checksum/);
  });
});
