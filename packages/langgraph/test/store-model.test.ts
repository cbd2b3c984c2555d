import { rmSync } from 'node:fs';
import { manualClock, tempDir } from '@agentdb/engine/testing';
import { AgentDB } from '@agentdb/primitives';
import type { MatchCondition } from '@langchain/langgraph-checkpoint';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentDBStore } from '../src/index.js';
import { StoreModel } from './store-model.js';

// fast-check drives random operation sequences against a real store on a real LMDB directory with a
// manual clock, and against a plain Map model (store-model.ts); after every step both must agree.
// 'a-x' sits between 'a' and 'a.b' in key order, so prefix ranges that leak would show.
const NAMESPACES = [['a'], ['a', 'b'], ['a', 'b', 'c'], ['a', 'c'], ['a-x'], ['b']];
const PREFIXES = [[], ['a'], ['a', 'b'], ['a-x'], ['b'], ['c']];
const KEYS = ['k1', 'k2'];

const ns = fc.constantFrom(...NAMESPACES);
const key = fc.constantFrom(...KEYS);
const value = fc.record(
  { n: fc.integer({ min: 0, max: 5 }), s: fc.constantFrom('x', 'y'), tag: fc.constantFrom('p', 'q') },
  { requiredKeys: ['n', 's'] },
);
// undefined: the store's default (none here); null: explicitly none; else minutes.
const ttl = fc.constantFrom<number | null | undefined>(undefined, null, 1, 1, 5, 5, 30);
const filter = fc.option(
  fc.constantFrom<Record<string, unknown>>(
    { s: 'x' },
    { n: { $gte: 2 } },
    { n: { $gt: 1, $lt: 4 } },
    { n: { $lte: 0 } },
    { n: { $ne: 3 }, s: 'y' },
    { n: { $in: [1, 3, 5] } },
    { s: { $nin: ['x'] } },
    { tag: { $exists: true } },
    { tag: { $exists: false } },
    { tag: 'p', n: { $eq: 2 } },
  ),
  { nil: undefined },
);
const condition: fc.Arbitrary<MatchCondition> = fc.record({
  matchType: fc.constantFrom('prefix' as const, 'suffix' as const),
  path: fc.constantFrom(['a'], ['*', 'b'], ['b'], ['c'], ['a', '*'], ['*']),
});

type Command =
  | { op: 'put'; ns: string[]; key: string; value: Record<string, unknown>; ttl: number | null | undefined }
  | { op: 'delete'; ns: string[]; key: string }
  | { op: 'get'; ns: string[]; key: string }
  | {
      op: 'search';
      prefix: string[];
      filter: Record<string, unknown> | undefined;
      limit: number;
      offset: number;
    }
  | {
      op: 'list';
      prefix: MatchCondition | undefined;
      suffix: MatchCondition | undefined;
      maxDepth: number | undefined;
      limit: number;
      offset: number;
    }
  | { op: 'batch'; ns: string[]; key: string; value: Record<string, unknown> }
  | { op: 'advance'; minutes: number }
  | { op: 'reopen' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant('put' as const), ns, key, value, ttl }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), ns, key }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('get' as const), ns, key }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('search' as const),
      prefix: fc.constantFrom(...PREFIXES),
      filter,
      limit: fc.integer({ min: 0, max: 6 }),
      offset: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('list' as const),
      prefix: fc.option(
        condition.map((c) => ({ ...c, matchType: 'prefix' as const })),
        { nil: undefined },
      ),
      suffix: fc.option(
        condition.map((c) => ({ ...c, matchType: 'suffix' as const })),
        { nil: undefined },
      ),
      maxDepth: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      limit: fc.integer({ min: 1, max: 10 }),
      offset: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('batch' as const), ns, key, value }) },
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('advance' as const),
      minutes: fc.constantFrom(0.5, 0.7, 1, 3, 4, 40),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'reopen' as const }) },
);

describe('AgentDBStore against a Map model', () => {
  it('agrees after every step of random puts, deletes, gets, searches, listings, batches, clock moves and reopens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 40, size: 'max' }), async (commands) => {
        const dir = tempDir('agentdb-langgraph-model-');
        const clock = manualClock();
        const open = async () => {
          const db = await AgentDB.open({ path: dir, clock, durability: 'buffered' });
          return { db, store: new AgentDBStore(db) };
        };
        let { db, store } = await open();
        const model = new StoreModel(clock);
        try {
          for (const c of commands) {
            switch (c.op) {
              case 'put':
                await store.put(
                  c.ns,
                  c.key,
                  c.value,
                  undefined,
                  c.ttl === undefined ? undefined : { ttl: c.ttl },
                );
                model.put(c.ns, c.key, c.value, c.ttl ?? null);
                break;
              case 'delete':
                await store.delete(c.ns, c.key);
                model.put(c.ns, c.key, null, null);
                break;
              case 'get':
                expect(await store.get(c.ns, c.key)).toEqual(model.get(c.ns, c.key));
                break;
              case 'search': {
                const got = await store.search(c.prefix, {
                  ...(c.filter === undefined ? {} : { filter: c.filter }),
                  limit: c.limit,
                  offset: c.offset,
                });
                expect(got).toEqual(model.search(c.prefix, c.filter, c.limit, c.offset));
                break;
              }
              case 'list': {
                const got = await store.listNamespaces({
                  ...(c.prefix === undefined ? {} : { prefix: c.prefix.path }),
                  ...(c.suffix === undefined ? {} : { suffix: c.suffix.path }),
                  ...(c.maxDepth === undefined ? {} : { maxDepth: c.maxDepth }),
                  limit: c.limit,
                  offset: c.offset,
                });
                const conditions = [c.prefix, c.suffix].filter((x) => x !== undefined);
                expect(got).toEqual(model.listNamespaces(conditions, c.maxDepth, c.limit, c.offset));
                break;
              }
              case 'batch': {
                // Reads in a batch see the store before the batch's writes; the last put of an item wins.
                const [before, , after] = await store.batch([
                  { namespace: c.ns, key: c.key },
                  { namespace: c.ns, key: c.key, value: { ...c.value, n: 99 } },
                  { namespacePrefix: c.ns, limit: 10, offset: 0 },
                  { namespace: c.ns, key: c.key, value: c.value },
                ]);
                expect(before).toEqual(model.get(c.ns, c.key));
                expect(after).toEqual(model.search(c.ns, undefined, 10, 0));
                model.put(c.ns, c.key, c.value, null);
                break;
              }
              case 'advance':
                clock.advance(c.minutes * 60_000);
                break;
              case 'reopen':
                await db.close();
                ({ db, store } = await open());
                break;
            }
          }
          // Whole-store agreement at the end, after a last reopen: what is on disk, not in memory.
          await db.close();
          ({ db, store } = await open());
          expect(await store.search([], { limit: 1000 })).toEqual(model.search([], undefined, 1000, 0));
          expect((await db.engine.verify()).ok).toBe(true);
        } finally {
          await db.close();
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.MODEL_RUNS ?? 60) },
    );
  });
});
