import type { Database } from '@agentdb/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursorOf, type TraceStore } from '../src/index.js';
import { type Fixture, fixture, ids } from './helpers.js';

const BIG = 'run-big';
const SMALL = 'run-small';
const NEEDLES = 10;

/** Fills `runId` with `n` thoughts in transactions of 5,000; NEEDLES of them, spread out, carry tag 'needle'. */
async function fill(f: Fixture, runId: string, n: number): Promise<string[]> {
  const needles: string[] = [];
  const every = Math.floor(n / NEEDLES);
  for (let start = 0; start < n; start += 5_000) {
    await f.db.transaction(
      async (tx) => {
        const view = f.traces.in(tx, runId);
        for (let i = start; i < Math.min(n, start + 5_000); i++) {
          const needle = i % every === every - 1;
          const id = await view.record(
            needle ? { type: 'custom', name: 'rare', data: i } : { type: 'thought', content: 't' },
            needle ? { tags: ['needle'] } : undefined,
          );
          if (needle) needles.push(id);
          if (i % 10 === 0) f.clock.advance(1);
        }
      },
      { runId },
    );
  }
  return needles;
}

/** Entries the engine read while `fn` ran. */
async function readsOf<T>(db: Database, fn: () => Promise<T>): Promise<{ reads: number; result: T }> {
  const before = db.stats().reads;
  const result = await fn();
  return { reads: db.stats().reads - before, result };
}

describe('queries cost O(results), not O(traces in the run)', () => {
  let f: Fixture;
  let bigNeedles: string[];
  let smallNeedles: string[];
  beforeAll(async () => {
    f = await fixture('buffered');
    smallNeedles = await fill(f, SMALL, 1_000);
    bigNeedles = await fill(f, BIG, 100_000);
  }, 120_000);
  afterAll(() => f.t.dispose());

  it('queryByTag for a tag on 10 of 100,000 traces reads 2 entries per result, as in a run of 1,000', async () => {
    const traces: TraceStore = f.traces;
    expect(await traces.count(BIG)).toBe(100_000);
    const big = await readsOf(f.db, () => traces.queryByTag(BIG, 'needle'));
    const small = await readsOf(f.db, () => traces.queryByTag(SMALL, 'needle'));
    expect(ids(big.result)).toEqual(bigNeedles);
    expect(ids(small.result)).toEqual(smallNeedles);
    // One index entry plus one record per result: exactly 20, whatever the size of the run.
    expect(big.reads).toBe(2 * NEEDLES);
    expect(small.reads).toBe(big.reads);
  });

  it('queryByType, queryByTime, getChildren, count and paging are bounded by what they return', async () => {
    const traces: TraceStore = f.traces;
    const byType = await readsOf(f.db, () => traces.queryByType(BIG, 'rare'));
    expect(ids(byType.result)).toEqual(bigNeedles);
    expect(byType.reads).toBe(2 * NEEDLES);

    const mid = byType.result[5]!.timestamp;
    const window = await readsOf(f.db, () => traces.queryByTime(BIG, mid, mid + 1));
    expect(window.result.length).toBe(10); // ten traces share each millisecond
    expect(window.reads).toBe(2 * window.result.length);

    const counted = await readsOf(f.db, () => traces.count(BIG));
    expect(counted).toEqual({ reads: 1, result: 100_000 });

    const childless = await readsOf(f.db, () => traces.getChildren(BIG, bigNeedles[0]!));
    expect(childless).toEqual({ reads: 0, result: [] });

    // A deep page of a 100,000-trace listing costs the page, not the offset.
    const first = await traces.list(BIG, { limit: 50_000 });
    const page = await readsOf(f.db, () => traces.list(BIG, { limit: 100, after: cursorOf(first.at(-1)!) }));
    expect(page.result).toHaveLength(100);
    expect(page.reads).toBe(200);
    const thoughts = await readsOf(f.db, () => traces.queryByType(BIG, 'thought', { limit: 10 }));
    expect(thoughts.result).toHaveLength(10);
    expect(thoughts.reads).toBe(20);
  });
});
