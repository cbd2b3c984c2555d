import { isAgentDBError } from '@agentdb/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { RUN_STATUSES, type RunMetadata, type RunQuery, type RunStatus } from '../src/index.js';
import { type RunsFixture, rejectionOf, useRuns } from './helpers.js';

const TAGS = ['a', 'b', 'c', 'a__b'];

/** The brute-force answer: filter every run, order by (createdAt, runId). */
function expected(all: RunMetadata[], q: RunQuery): RunMetadata[] {
  const out = all
    .filter(
      (r) =>
        (q.status === undefined || r.status === q.status) &&
        (q.tag === undefined || r.tags.includes(q.tag)) &&
        (q.parentRunId === undefined || r.parentRunId === q.parentRunId) &&
        (q.createdAfter === undefined || r.createdAt > q.createdAfter) &&
        (q.createdBefore === undefined || r.createdAt < q.createdBefore) &&
        (q.after === undefined ||
          r.createdAt > q.after.createdAt ||
          (r.createdAt === q.after.createdAt && r.runId > q.after.runId)),
    )
    .sort((x, y) => x.createdAt - y.createdAt || (x.runId < y.runId ? -1 : x.runId > y.runId ? 1 : 0));
  return q.limit === undefined ? out : out.slice(0, q.limit);
}

/** 300 runs with random statuses, tags, parents and (often equal) creation times, from a fixed seed. */
async function seed(f: RunsFixture): Promise<RunMetadata[]> {
  const plan = fc.sample(
    fc.record({
      status: fc.constantFrom(...RUN_STATUSES),
      tags: fc.subarray(TAGS),
      parent: fc.option(fc.nat(), { nil: undefined }),
      time: fc.integer({ min: 0, max: 40 }),
    }),
    { numRuns: 300, seed: 42 },
  );
  await f.db.transaction(async (tx) => {
    for (const [i, p] of plan.entries()) {
      const runId = `run${i}`;
      f.clock.set(1_000 + p.time);
      const parentRunId = p.parent === undefined || i === 0 ? undefined : `run${p.parent % i}`;
      const view = f.runs.in(tx, runId);
      await view.createRun(parentRunId === undefined ? { tags: p.tags } : { tags: p.tags, parentRunId });
      if (p.status !== 'active') await view.updateStatus(p.status);
    }
  });
  const ids = await f.runs.listRuns();
  return Promise.all(ids.map(async (id) => (await f.runs.getRun(id))!));
}

const queryArb: fc.Arbitrary<RunQuery> = fc.record(
  {
    status: fc.constantFrom<RunStatus>(...RUN_STATUSES),
    tag: fc.constantFrom(...TAGS, 'zzz'),
    parentRunId: fc.constantFrom('run0', 'run1', 'run2', 'run5', 'nobody'),
    createdAfter: fc.integer({ min: 990, max: 1_045 }),
    createdBefore: fc.integer({ min: 990, max: 1_045 }),
    limit: fc.integer({ min: 1, max: 40 }),
  },
  { requiredKeys: [] },
);

describe('queryRuns against a brute-force model', () => {
  const f = useRuns({ shared: true });
  let all: RunMetadata[];
  beforeAll(async () => {
    all = await seed(f);
  });

  it('every filter combination returns exactly the matching runs, in (createdAt, runId) order', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        expect(await f.runs.queryRuns(q)).toStrictEqual(expected(all, q));
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('paging with limit and after: lastRun yields the unpaged answer', async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, fc.integer({ min: 1, max: 7 }), async (query, pageSize) => {
        const { limit: _ignored, ...q } = query;
        const pages: RunMetadata[] = [];
        for (let after: RunMetadata | undefined; ; ) {
          const page = await f.runs.queryRuns(
            after === undefined ? { ...q, limit: pageSize } : { ...q, limit: pageSize, after },
          );
          pages.push(...page);
          if (page.length < pageSize) break;
          after = page.at(-1);
        }
        expect(pages).toStrictEqual(expected(all, q));
      }),
      { numRuns: 60, seed: 11 },
    );
  });

  it('no filter lists every run; getChildRuns equals queryRuns({ parentRunId })', async () => {
    expect(await f.runs.queryRuns()).toStrictEqual(expected(all, {}));
    expect(await f.runs.getChildRuns('run0')).toStrictEqual(expected(all, { parentRunId: 'run0' }));
  });

  it('an after cursor at or past createdBefore returns nothing without scanning', async () => {
    const before = f.db.stats().reads;
    const q = { after: { createdAt: 1_020, runId: 'run0' }, createdBefore: 1_020 };
    expect(await f.runs.queryRuns(q)).toStrictEqual([]);
    expect(await f.runs.queryRuns({ ...q, tag: 'a' })).toStrictEqual([]);
    expect(f.db.stats().reads - before).toBe(0);
  });

  it('after a run that no longer exists still resumes after its position', async () => {
    const q = { tag: 'a' } as const;
    const full = expected(all, q);
    const cut = full[3]!;
    const ghost = { createdAt: cut.createdAt, runId: `${cut.runId}_gone` };
    expect(await f.runs.queryRuns({ ...q, after: ghost })).toStrictEqual(
      expected(all, { ...q, after: ghost }),
    );
  });
});

describe('queryRuns cost follows the matches, not the number of runs', () => {
  const f = useRuns({ shared: true });

  /** Creates `n` runs in batches: every 100th and 100th+1 run is tagged x; even runs are active. */
  async function createRuns(prefix: string, n: number, timeOf: (i: number) => number): Promise<void> {
    for (let start = 0; start < n; start += 2_000) {
      await f.db.transaction(async (tx) => {
        for (let i = start; i < Math.min(n, start + 2_000); i++) {
          f.clock.set(timeOf(i));
          const tagged = prefix === 'a' && (i % 100 === 0 || i % 100 === 1);
          const view = f.runs.in(tx, `${prefix}${String(i).padStart(5, '0')}`);
          await view.createRun({ tags: tagged ? ['x', 'common'] : ['common'] });
          if (i % 2 === 1) await view.completeRun();
        }
      });
    }
  }

  async function readsOf(q: RunQuery): Promise<{ runs: RunMetadata[]; reads: number }> {
    const before = f.db.stats().reads;
    const runs = await f.runs.queryRuns(q);
    return { runs, reads: f.db.stats().reads - before };
  }

  it("queryRuns({ status: 'active', tag: 'x' }) over 10,000 runs reads O(tagged runs), not O(runs), even when 10,000 more are interleaved", async () => {
    await createRuns('a', 10_000, (i) => 1_000_000 + i * 10);
    const q: RunQuery = { status: 'active', tag: 'x' };
    const first = await readsOf(q);
    // 200 runs carry x; 100 of them are active.
    expect(first.runs).toHaveLength(100);
    expect(first.runs.every((r) => r.status === 'active' && r.tags.includes('x'))).toBe(true);
    // Interleave 10,000 more active and completed runs (none tagged x) between the existing ones.
    await createRuns('b', 10_000, (i) => 1_000_000 + i * 10 + 5);
    expect(await f.runs.count()).toBe(20_000);
    const second = await readsOf(q);
    expect(second.runs).toStrictEqual(first.runs);
    console.log(
      `queryRuns({status:'active',tag:'x'}) reads: ${first.reads} over 10,000 runs, ${second.reads} over 20,000`,
    );
    // The x index has 200 entries and 100 records are returned: a few reads per tagged run, never a
    // pass over the 10,000 (or 20,000) runs. Interleaving adds at most one extra seek per tagged pair.
    expect(first.reads).toBeLessThanOrEqual(5 * 200 + 100);
    expect(second.reads).toBeLessThanOrEqual(5 * 200 + 100);
    expect(second.reads / first.reads).toBeLessThan(1.2);
  });

  it('a limit stops the walk early', async () => {
    const { runs, reads } = await readsOf({ status: 'active', tag: 'x', limit: 5 });
    expect(runs).toHaveLength(5);
    expect(reads).toBeLessThanOrEqual(60);
  });

  it('a creation-time window narrows every index it walks', async () => {
    // Runs a00000..a00999 were created at 1,000,000 + 10·i; the window holds 10 of them (+ 10 b-runs).
    const { runs, reads } = await readsOf({
      tag: 'common',
      createdAfter: 1_000_000 + 10 * 500 - 1,
      createdBefore: 1_000_000 + 10 * 510,
    });
    expect(runs).toHaveLength(20);
    expect(reads).toBeLessThanOrEqual(2 * 20 + 5);
  });

  it('a selective status drives the walk even when the tag is common', async () => {
    // One failed run among 20,000 runs tagged common.
    await f.runs.failRun('a04242', 'boom');
    const { runs, reads } = await readsOf({ tag: 'common', status: 'failed' });
    expect(runs.map((r) => r.runId)).toStrictEqual(['a04242']);
    expect(reads).toBeLessThanOrEqual(10);
  });
});

describe('queryRuns bad input', () => {
  const f = useRuns();

  it.each<[string, unknown]>([
    ['an unknown status', { status: 'done' }],
    ['an empty tag', { tag: '' }],
    ['a non-string tag', { tag: 7 }],
    ['an invalid parent id', { parentRunId: 'a b' }],
    ['a zero limit', { limit: 0 }],
    ['a negative limit', { limit: -1 }],
    ['a fractional limit', { limit: 1.5 }],
    ['a NaN limit', { limit: Number.NaN }],
    ['a string limit', { limit: '10' }],
    ['a fractional createdAfter', { createdAfter: 1.5 }],
    ['a Date createdBefore', { createdBefore: new Date() }],
    ['an unknown field', { parentId: 'x' }],
    ['a non-object query', 'active'],
    ['an after without runId', { after: { createdAt: 1 } }],
    ['an after with a bad runId', { after: { createdAt: 1, runId: '../x' } }],
    ['an after that is null', { after: null }],
  ])('%s is INVALID_ARGUMENT', async (_name, q) => {
    const error = await rejectionOf(f.runs.queryRuns(q as RunQuery));
    expect(isAgentDBError(error, 'INVALID_ARGUMENT'), String(error)).toBe(true);
  });
});
