import { Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
afterEach(() => t.dispose());

// A process's resident memory counts the pages of the database file it has touched (LMDB maps the
// file). Investigated: 400K transactions that scan and stop early grew RSS without bound only because
// the commit log (walRetention 'all') grows the file by one record per commit; with retention, RSS
// levelled off at about 105 MB, as raw lmdb-js does (about 100 MB). This pins the rule: with
// retention, the file — and so what the process maps — stops growing.
describe('footprint', () => {
  it('with log retention, transactions that scan and stop early stop growing the data file', async () => {
    t = await openTestDatabase({ durability: 'buffered', walRetention: { commits: 200 } });
    await t.db.transaction((tx) => {
      for (let i = 0; i < 100; i++) tx.put(Key.kv('r', `k${i}`), i);
    });
    const round = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await t.db.transaction(async (tx) => {
          for await (const _ of tx.scan(runRange('r'))) break;
          tx.put(Key.kv('r', 'w'), i);
        });
      }
    };
    await round(3_000);
    const settled = t.db.stats().sizeBytes;
    await round(6_000);
    expect(t.db.stats().sizeBytes).toBe(settled);
    expect(t.db.stats().logLength).toBeLessThanOrEqual(200 + 256);
  });
});
