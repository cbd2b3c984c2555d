import type { Value } from '@agentdb/core';
import { modelRunOptions } from '@agentdb/engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ListOptions } from '../src/index.js';
import { compareUtf8, type KVFixture, useKV } from './helpers.js';

/**
 * Model-based test: random sequences of put (with and without TTL) / delete / get / exists / getMany /
 * list / listWithValues / transactions (committed or aborted) / clock moves / sweeps, run against the
 * real store and against a plain Map; every answer must agree. fast-check prints the seed and path to
 * replay a failure (`fc.assert(..., { seed, path })`).
 */

// Few distinct characters, so keys collide, share prefixes and straddle multi-byte order.
const keyArb = fc
  .array(fc.constantFrom('a', 'b', 'é', '😀'), { minLength: 1, maxLength: 2 })
  .map((chars) => chars.join(''));
const runArb = fc.constantFrom(0, 1); // two runs whose ids are prefixes of each other
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constant(-0),
  fc.string({ maxLength: 4 }),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
  fc.uint8Array({ maxLength: 4 }),
  // Stored objects read back with Object.prototype, so generate plain ones (see README, "Values").
  fc.record(
    { n: fc.integer(), tags: fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }) },
    { noNullPrototype: true },
  ),
);
const ttlArb = fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined });
const listArb: fc.Arbitrary<ListOptions> = fc.record(
  {
    prefix: keyArb.map((k) => Array.from(k).slice(0, 2).join('')),
    limit: fc.integer({ min: 1, max: 4 }),
    after: keyArb,
  },
  { requiredKeys: [], noNullPrototype: true },
);

type WriteOp =
  | { op: 'put'; run: number; key: string; value: Value; ttlMs: number | undefined }
  | { op: 'delete'; run: number; key: string };
type Op =
  | WriteOp
  | { op: 'get' | 'exists'; run: number; key: string }
  | { op: 'getMany'; run: number; keys: string[] }
  | { op: 'list' | 'listWithValues'; run: number; opts: ListOptions }
  | { op: 'tx'; run: number; writes: WriteOp[]; abort: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'sweep' };

const writeArb: fc.Arbitrary<WriteOp> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), run: runArb, key: keyArb, value: valueArb, ttlMs: ttlArb }),
  fc.record({ op: fc.constant('delete' as const), run: runArb, key: keyArb }),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: writeArb, weight: 4 },
  fc.record({ op: fc.constantFrom('get' as const, 'exists' as const), run: runArb, key: keyArb }),
  fc.record({ op: fc.constant('getMany' as const), run: runArb, keys: fc.array(keyArb, { maxLength: 4 }) }),
  {
    arbitrary: fc.record({
      op: fc.constantFrom('list' as const, 'listWithValues' as const),
      run: runArb,
      opts: listArb,
    }),
    weight: 2,
  },
  fc.record({
    op: fc.constant('tx' as const),
    run: runArb,
    writes: fc.array(writeArb, { maxLength: 4 }),
    abort: fc.boolean(),
  }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ op: fc.constant('sweep' as const) }),
);

interface ModelEntry {
  value: Value;
  expiresAt: number | undefined;
}

/** The reference: one Map per run, TTL by comparison with the clock. */
class Model {
  readonly runs = [new Map<string, ModelEntry>(), new Map<string, ModelEntry>()];
  constructor(readonly now: () => number) {}
  #live(run: number, key: string): ModelEntry | undefined {
    const e = this.runs[run]!.get(key);
    return e !== undefined && (e.expiresAt === undefined || e.expiresAt > this.now()) ? e : undefined;
  }
  get(run: number, key: string): Value | undefined {
    return this.#live(run, key)?.value;
  }
  apply(w: WriteOp): boolean | undefined {
    if (w.op === 'put') {
      this.runs[w.run]!.set(w.key, {
        value: w.value,
        expiresAt: w.ttlMs === undefined ? undefined : this.now() + w.ttlMs,
      });
      return undefined;
    }
    const existed = this.#live(w.run, w.key) !== undefined;
    if (existed) this.runs[w.run]!.delete(w.key);
    return existed;
  }
  list(run: number, { prefix, limit, after }: ListOptions): { key: string; value: Value }[] {
    return [...this.runs[run]!.keys()]
      .filter((k) => this.#live(run, k) !== undefined)
      .filter((k) => prefix === undefined || k.startsWith(prefix))
      .filter((k) => after === undefined || compareUtf8(k, after) > 0)
      .sort(compareUtf8)
      .slice(0, limit ?? Number.POSITIVE_INFINITY)
      .map((key) => ({ key, value: this.get(run, key)! }));
  }
  clone(): Model {
    const m = new Model(this.now);
    this.runs.forEach((r, i) => {
      for (const [k, v] of r) m.runs[i]!.set(k, v);
    });
    return m;
  }
}

let iteration = 0;

async function check(f: KVFixture, ops: Op[]): Promise<void> {
  const { kv, db, clock } = f;
  // Fresh run ids per execution (the database is shared across runs and shrinking replays).
  iteration++;
  const runIds = [`m${iteration}x`, `m${iteration}x0`];
  let model = new Model(() => clock());
  for (const [i, o] of ops.entries()) {
    const at = `op ${i} ${JSON.stringify(o, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;
    switch (o.op) {
      case 'put':
        await kv.put(runIds[o.run]!, o.key, o.value, o.ttlMs === undefined ? undefined : { ttlMs: o.ttlMs });
        model.apply(o);
        break;
      case 'delete':
        expect(await kv.delete(runIds[o.run]!, o.key), at).toBe(model.apply(o));
        break;
      case 'get':
        expect(await kv.get(runIds[o.run]!, o.key), at).toStrictEqual(model.get(o.run, o.key));
        break;
      case 'exists':
        expect(await kv.exists(runIds[o.run]!, o.key), at).toBe(model.get(o.run, o.key) !== undefined);
        break;
      case 'getMany':
        expect(await kv.getMany(runIds[o.run]!, o.keys), at).toStrictEqual(
          o.keys.map((k) => model.get(o.run, k)),
        );
        break;
      case 'list':
        expect(await kv.list(runIds[o.run]!, o.opts), at).toStrictEqual(
          model.list(o.run, o.opts).map((e) => e.key),
        );
        break;
      case 'listWithValues':
        expect(await kv.listWithValues(runIds[o.run]!, o.opts), at).toStrictEqual(model.list(o.run, o.opts));
        break;
      case 'tx': {
        const draft = model.clone();
        const aborted = new Error('abort');
        const outcome = await db
          .transaction(
            async (tx) => {
              for (const w of o.writes) {
                const view = kv.in(tx, runIds[w.run]!);
                if (w.op === 'put') {
                  await view.put(w.key, w.value, w.ttlMs === undefined ? undefined : { ttlMs: w.ttlMs });
                  draft.apply(w);
                } else {
                  expect(await view.delete(w.key), at).toBe(draft.apply(w));
                }
              }
              expect(await kv.in(tx, runIds[o.run]!).listWithValues(), at).toStrictEqual(
                draft.list(o.run, {}),
              );
              if (o.abort) throw aborted;
            },
            { runId: runIds[o.run]! },
          )
          .then(
            () => 'committed',
            (e: unknown) => (e === aborted ? 'aborted' : Promise.reject(e)),
          );
        if (outcome === 'committed') model = draft;
        break;
      }
      case 'advance':
        clock.advance(o.ms);
        break;
      case 'sweep':
        await db.sweepExpired();
        break;
    }
  }
  // The whole of both runs agrees at the end.
  for (const run of [0, 1]) expect(await kv.listWithValues(runIds[run]!)).toStrictEqual(model.list(run, {}));
}

describe('KVStore against a Map model', () => {
  const fx = useKV();

  it('agrees with the model on random operation sequences', async () => {
    const f = fx();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 40 }), (ops) => check(f, ops)),
      modelRunOptions(150),
    );
    expect((await f.db.verify()).ok).toBe(true);
  });
});
