import { decodeKey, Key, type KeyRange, systemRange } from '@agentdb/core';
import type { Database } from '@agentdb/engine';
import { type ManualClock, manualClock, openTestDatabase, type TestDatabase } from '@agentdb/engine/testing';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { RunIndex, type RunMetadata } from '../src/index.js';

export interface RunsFixture {
  t: TestDatabase;
  db: Database;
  runs: RunIndex;
  clock: ManualClock;
}

/**
 * A fresh database (real LMDB dir, buffered durability: durability is not the point here) per test,
 * or one per file with `shared` (tests then use distinct run ids).
 */
export function useRuns(opts: { shared?: boolean } = {}): RunsFixture {
  const f = {} as RunsFixture;
  (opts.shared === true ? beforeAll : beforeEach)(async () => {
    f.clock = manualClock();
    f.t = await openTestDatabase({ durability: 'buffered', clock: f.clock });
    f.db = f.t.db;
    f.runs = new RunIndex(f.db);
  });
  (opts.shared === true ? afterAll : afterEach)(async () => {
    await f.t.dispose();
  });
  return f;
}

/** Every key in `range`, decoded. */
export async function keysIn(db: Database, range: KeyRange): Promise<ReturnType<typeof decodeKey>[]> {
  const out: ReturnType<typeof decodeKey>[] = [];
  for await (const { key } of db.scan(range)) out.push(decodeKey(key));
  return out;
}

/** How many entries a scan of `range` returns. */
export async function countIn(db: Database, range: KeyRange): Promise<number> {
  let n = 0;
  for await (const _ of db.scan(range)) n++;
  return n;
}

/**
 * Checks that the stored indices are exactly what the stored records imply (no missing, no stale
 * entries) and that the counter equals the number of records. Returns the problems found.
 */
export async function indexProblems(db: Database): Promise<string[]> {
  const problems: string[] = [];
  const records: RunMetadata[] = [];
  for await (const { value } of db.scan(systemRange('record'))) records.push(value as unknown as RunMetadata);
  const expected = new Set<string>();
  for (const r of records) {
    expected.add(JSON.stringify(['status', r.status, r.createdAt, r.runId]));
    expected.add(JSON.stringify(['created', r.createdAt, r.runId]));
    for (const tag of r.tags) expected.add(JSON.stringify(['tag', tag, r.createdAt, r.runId]));
    if (r.parentRunId !== undefined)
      expected.add(JSON.stringify(['parent', r.parentRunId, r.createdAt, r.runId]));
  }
  const actual = new Set<string>();
  for (const kind of ['status', 'created', 'tag', 'parent']) {
    for await (const { key, value } of db.scan(systemRange(kind))) {
      const { parts } = decodeKey(key);
      actual.add(JSON.stringify(parts));
      // Each entry also carries its own position, which queries read instead of decoding the key.
      if (JSON.stringify(value) !== JSON.stringify(parts.slice(-2)))
        problems.push(`entry ${JSON.stringify(parts)} holds ${JSON.stringify(value)}`);
    }
  }
  for (const e of expected) if (!actual.has(e)) problems.push(`missing index entry ${e}`);
  for (const a of actual) if (!expected.has(a)) problems.push(`stale index entry ${a}`);
  const counter = Number((await db.get(Key.run('count'))) ?? 0);
  if (counter !== records.length) problems.push(`counter ${counter} != ${records.length} records`);
  return problems;
}

/** The error a promise rejects with (or `undefined` if it resolves). */
export function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (e: unknown) => e,
  );
}
