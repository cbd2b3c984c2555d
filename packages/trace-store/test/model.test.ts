import { isAgentDBError } from '@agentdb/core';
import { modelRunOptions } from '@agentdb/engine/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cursorOf, type PageOptions, type Trace, type TraceTree, type TraceType } from '../src/index.js';
import { type Fixture, fixture, indexProblems } from './helpers.js';

/*
 * Model-based test of trees and indices: random sequences of records (roots and children, supplied or
 * generated ids, several tags, built-in and custom types), clock steps (0 ms too, so timestamps tie and
 * the id decides the order), transactions of several records that commit or abort, and every query —
 * each paged with a random limit and cursor — run against the store and against a plain array of
 * traces. Every answer and error code must agree; after each sequence every index agrees with the
 * records (`indexProblems`). On failure fast-check prints the seed and path;
 * `MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run test/model.test.ts` replays it.
 */

/** What the model keeps of a trace: enough to place it in every index. */
interface ModelTrace {
  id: string;
  parentId: string | undefined;
  typeName: string;
  tags: string[];
  timestamp: number;
}

const ID_POOL = ['a', 'b', 'B', 'a-1', 'z_9'];
const TAGS = ['x', 'y', 'x__y'];
const TYPES: TraceType[] = [
  { type: 'thought', content: 't' },
  { type: 'tool_call', toolName: 'search', arguments: null },
  { type: 'custom', name: 'plan', data: 1 },
  { type: 'custom', name: 'plan2', data: 2 },
];
const typeNameOf = (t: TraceType) => (t.type === 'custom' ? t.name : t.type);

/** Which trace an operation points at: an index into the traces so far (mod their number), or none. */
const target = fc.oneof(fc.nat(), fc.constant('missing' as const));

interface RecordSpec {
  id: number | 'fresh';
  parent: number | 'missing' | 'none';
  type: number;
  tags: string[];
}

const recordArb: fc.Arbitrary<RecordSpec> = fc.record({
  id: fc.oneof({ arbitrary: fc.constant('fresh' as const), weight: 2 }, fc.nat(ID_POOL.length - 1)),
  parent: fc.oneof(fc.constant('none' as const), target),
  type: fc.nat(TYPES.length - 1),
  tags: fc.subarray(TAGS),
});

const pageArb: fc.Arbitrary<{ limit?: number; after?: number }> = fc.record(
  { limit: fc.integer({ min: 1, max: 3 }), after: fc.nat() },
  { requiredKeys: [] },
);

type Op =
  | { op: 'record'; spec: RecordSpec }
  | { op: 'tx'; specs: RecordSpec[]; abort: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'list' | 'roots'; page: { limit?: number; after?: number } }
  | { op: 'byType'; type: number; page: { limit?: number; after?: number } }
  | { op: 'byTag'; tag: string; page: { limit?: number; after?: number } }
  | { op: 'byTime'; from: number; span: number }
  | { op: 'children' | 'tree' | 'get'; of: number | 'missing' }
  | { op: 'count' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('record' as const), spec: recordArb }), weight: 4 },
  fc.record({
    op: fc.constant('tx' as const),
    specs: fc.array(recordArb, { minLength: 1, maxLength: 3 }),
    abort: fc.boolean(),
  }),
  { arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.nat(2) }), weight: 2 },
  fc.record({ op: fc.constantFrom('list' as const, 'roots' as const), page: pageArb }),
  fc.record({ op: fc.constant('byType' as const), type: fc.nat(TYPES.length - 1), page: pageArb }),
  fc.record({ op: fc.constant('byTag' as const), tag: fc.constantFrom(...TAGS), page: pageArb }),
  fc.record({ op: fc.constant('byTime' as const), from: fc.integer({ min: -1, max: 6 }), span: fc.nat(4) }),
  fc.record({ op: fc.constantFrom('children' as const, 'tree' as const, 'get' as const), of: target }),
  fc.record({ op: fc.constant('count' as const) }),
);

const byPosition = (a: ModelTrace, b: ModelTrace) =>
  a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

class Model {
  traces: ModelTrace[] = [];

  pick(of: number | 'missing'): string {
    return of === 'missing' || this.traces.length === 0
      ? 'missing'
      : this.traces[of % this.traces.length]!.id;
  }

  /** The ids of `matching` in (timestamp, id) order, paged like the store pages. */
  page(matching: (t: ModelTrace) => boolean, page: { limit?: number; after?: number }): string[] {
    let out = this.traces.filter(matching).sort(byPosition);
    if (page.after !== undefined && this.traces.length > 0) {
      const after = this.traces[page.after % this.traces.length]!;
      out = out.filter((t) => byPosition(t, after) > 0);
    }
    return out.slice(0, page.limit ?? out.length).map((t) => t.id);
  }

  tree(id: string): unknown {
    const node = this.traces.find((t) => t.id === id);
    if (node === undefined) return undefined;
    const children = this.traces.filter((t) => t.parentId === id).sort(byPosition);
    return { id, children: children.map((c) => this.tree(c.id)) };
  }
}

/** The shape of a stored tree, as ids, to compare with the model's. */
function shape(tree: TraceTree | undefined): unknown {
  if (tree === undefined) return undefined;
  return { id: tree.trace.id, children: tree.children.map(shape) };
}

const ids = (traces: Trace[]) => traces.map((t) => t.id);

let f: Fixture;
let sequenceNo = 0;
beforeAll(async () => {
  f = await fixture();
});
afterAll(() => f.t.dispose());

it('trees and indices agree with an array of traces on random operation sequences', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
      const run = `m${++sequenceNo}`;
      const model = new Model();
      const start = f.clock();
      const pageOf = (p: { limit?: number; after?: number }): PageOptions => ({
        ...(p.limit === undefined ? {} : { limit: p.limit }),
        ...(p.after === undefined || model.traces.length === 0
          ? {}
          : { after: cursorOf(model.traces[p.after % model.traces.length]!) }),
      });

      /** Records `spec` through `view` and in `into`; the model's answer is the error code or the id. */
      const record = async (
        spec: RecordSpec,
        recordIn: (
          type: TraceType,
          opts: { id?: string; parentId?: string; tags: string[] },
        ) => Promise<string>,
        into: ModelTrace[],
      ): Promise<void> => {
        const id = spec.id === 'fresh' ? undefined : ID_POOL[spec.id]!;
        const parentId = spec.parent === 'none' ? undefined : model.pick(spec.parent);
        const expected =
          id !== undefined && into.some((t) => t.id === id)
            ? 'ALREADY_EXISTS'
            : parentId !== undefined && !into.some((t) => t.id === parentId)
              ? 'NOT_FOUND'
              : 'ok';
        const type = TYPES[spec.type]!;
        const outcome = await recordIn(type, {
          ...(id === undefined ? {} : { id }),
          ...(parentId === undefined ? {} : { parentId }),
          tags: spec.tags,
        }).then(
          (made) => ({ made }),
          (e: unknown) => {
            if (!isAgentDBError(e)) throw e;
            return { code: e.code };
          },
        );
        if (expected !== 'ok') {
          expect(outcome).toEqual({ code: expected });
          return;
        }
        expect(outcome).toHaveProperty('made');
        const made = (outcome as { made: string }).made;
        if (id !== undefined) expect(made).toBe(id);
        into.push({
          id: made,
          parentId,
          typeName: typeNameOf(type),
          tags: [...new Set(spec.tags)],
          timestamp: f.clock(),
        });
      };

      for (const o of ops) {
        switch (o.op) {
          case 'record':
            await record(o.spec, (type, opts) => f.traces.record(run, type, opts), model.traces);
            break;
          case 'tx': {
            const pending = [...model.traces];
            const abort = new Error('abort');
            const attempt = f.db.transaction(
              async (tx) => {
                pending.length = model.traces.length; // a re-run starts again from the committed traces
                const view = f.traces.in(tx);
                for (const spec of o.specs)
                  await record(spec, (type, opts) => view.record(type, opts), pending);
                expect(await view.count()).toBe(pending.length); // its own records counted
                if (o.abort) throw abort;
              },
              { runId: run },
            );
            if (o.abort) await expect(attempt).rejects.toBe(abort);
            else {
              await attempt;
              model.traces = pending;
            }
            break;
          }
          case 'advance':
            f.clock.advance(o.ms);
            break;
          case 'list':
            expect(ids(await f.traces.list(run, pageOf(o.page)))).toEqual(model.page(() => true, o.page));
            break;
          case 'roots':
            expect(ids(await f.traces.getRoots(run, pageOf(o.page)))).toEqual(
              model.page((t) => t.parentId === undefined, o.page),
            );
            break;
          case 'byType': {
            const name = typeNameOf(TYPES[o.type]!);
            expect(ids(await f.traces.queryByType(run, name, pageOf(o.page)))).toEqual(
              model.page((t) => t.typeName === name, o.page),
            );
            break;
          }
          case 'byTag':
            expect(ids(await f.traces.queryByTag(run, o.tag, pageOf(o.page)))).toEqual(
              model.page((t) => t.tags.includes(o.tag), o.page),
            );
            break;
          case 'byTime': {
            const from = start + o.from;
            expect(ids(await f.traces.queryByTime(run, from, from + o.span))).toEqual(
              model.page((t) => t.timestamp >= from && t.timestamp < from + o.span, {}),
            );
            break;
          }
          case 'children': {
            const parent = model.pick(o.of);
            expect(ids(await f.traces.getChildren(run, parent))).toEqual(
              model.page((t) => t.parentId === parent, {}),
            );
            break;
          }
          case 'tree':
            expect(shape(await f.traces.getTree(run, model.pick(o.of)))).toEqual(
              model.tree(model.pick(o.of)),
            );
            break;
          case 'get': {
            const id = model.pick(o.of);
            const got = await f.traces.get(run, id);
            const want = model.traces.find((t) => t.id === id);
            expect(
              got && { id: got.id, parentId: got.parentId, tags: got.tags, timestamp: got.timestamp },
            ).toEqual(
              want && { id: want.id, parentId: want.parentId, tags: want.tags, timestamp: want.timestamp },
            );
            expect(await f.traces.exists(run, id)).toBe(want !== undefined);
            break;
          }
          case 'count':
            expect(await f.traces.count(run)).toBe(model.traces.length);
            break;
        }
      }
      expect(await indexProblems(f.db, run)).toEqual([]);
    }),
    modelRunOptions(40),
  );
  expect((await f.db.verify()).ok).toBe(true);
});
