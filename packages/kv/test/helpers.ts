import type { Database } from '@agentdb/engine';
import { type ManualClock, manualClock, openTestDatabase, type TestDatabase } from '@agentdb/engine/testing';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { KVStore } from '../src/index.js';

export interface KVFixture {
  t: TestDatabase;
  db: Database;
  kv: KVStore;
  clock: ManualClock;
}

/**
 * A real LMDB database with a manual clock and a KVStore on it: fresh per test, or with
 * `scope: 'file'` one for the whole file (for tests that must leave the store unchanged anyway).
 * Buffered durability unless a test says otherwise (durability is not what these tests are about).
 */
export function useKV(
  opts: { durability?: 'strict' | 'buffered'; scope?: 'test' | 'file' } = {},
): () => KVFixture {
  let fixture: KVFixture | undefined;
  const [setUp, tearDown] = opts.scope === 'file' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  setUp(async () => {
    const clock = manualClock();
    const t = await openTestDatabase({ durability: opts.durability ?? 'buffered', clock });
    fixture = { t, db: t.db, kv: new KVStore(t.db), clock };
  });
  tearDown(async () => {
    await fixture?.t.dispose();
    fixture = undefined;
  });
  return () => {
    if (fixture === undefined) throw new Error('useKV fixture used outside a test');
    return fixture;
  };
}

/** `key-00042`-style keys that sort numerically as strings. */
export function paddedKey(prefix: string, i: number, width = 5): string {
  return `${prefix}${String(i).padStart(width, '0')}`;
}

/** Writes `keys` (value = index) in transactions of `batch` puts each. */
export async function putMany(
  kv: KVStore,
  db: Database,
  runId: string,
  keys: string[],
  batch = 2_500,
): Promise<void> {
  for (let i = 0; i < keys.length; i += batch) {
    const slice = keys.slice(i, i + batch);
    await db.transaction(
      async (tx) => {
        const view = kv.in(tx);
        for (const [j, key] of slice.entries()) await view.put(key, i + j);
      },
      { runId },
    );
  }
}

/** Reads every key of a run a page at a time, following `after`. */
export async function listAllPaged(
  kv: KVStore,
  runId: string,
  limit: number,
  prefix?: string,
  beforeEachPage?: (pageNo: number) => Promise<void>,
): Promise<{ keys: string[]; pages: number }> {
  const keys: string[] = [];
  let after: string | undefined;
  for (let pages = 0; ; pages++) {
    await beforeEachPage?.(pages);
    const page = await kv.list(runId, {
      limit,
      ...(prefix === undefined ? {} : { prefix }),
      ...(after === undefined ? {} : { after }),
    });
    keys.push(...page);
    if (page.length < limit) return { keys, pages: pages + 1 };
    after = page.at(-1);
  }
}

/** UTF-8 byte order, the order the store lists keys in. */
export function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
