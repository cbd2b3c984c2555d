import { isAgentDBError, type Value } from '@agentdb/core';
import { modelRunOptions } from '@agentdb/engine/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type CellFixture, openCells } from './helpers.js';

/*
 * Model-based test: random sequences of operations on two runs (run1 / run10, to catch prefix
 * leaks) run against StateCell and against a plain Map of { value, version } plus a map of deleted
 * versions. Every return value, error code and VERSION_MISMATCH field must agree, and after each
 * sequence list/read agree for every name.
 */

interface ModelCell {
  value: Value;
  version: number;
}

type Op =
  | { op: 'init' | 'set'; run: number; name: string; value: Value }
  | { op: 'cas'; run: number; name: string; expected: 'current' | number; value: Value }
  | { op: 'delete' | 'read' | 'exists'; run: number; name: string }
  | { op: 'transition'; run: number; name: string; value: Value }
  | { op: 'transitionOrInit'; run: number; name: string; initial: Value; value: Value };

// Few names on two runs, so that sequences revisit cells (delete → re-create, stale versions).
const names = ['a', 'a\u0005', '\u{1F600}'];
const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
);
const target = { run: fc.integer({ min: 0, max: 1 }), name: fc.constantFrom(...names) };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constantFrom('init' as const, 'set' as const),
      ...target,
      value: valueArb,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant('delete' as const), ...target }), weight: 2 },
  fc.record({
    op: fc.constant('cas' as const),
    ...target,
    expected: fc.oneof(fc.constant('current' as const), fc.integer({ min: 0, max: 8 })),
    value: valueArb,
  }),
  fc.record({ op: fc.constantFrom('read' as const, 'exists' as const), ...target }),
  fc.record({ op: fc.constant('transition' as const), ...target, value: valueArb }),
  fc.record({ op: fc.constant('transitionOrInit' as const), ...target, initial: valueArb, value: valueArb }),
);

class Model {
  readonly cells = new Map<string, ModelCell>();
  readonly deleted = new Map<string, number>();

  #create(id: string, value: Value): number {
    const version = (this.deleted.get(id) ?? 0) + 1;
    this.cells.set(id, { value, version });
    return version;
  }

  apply(o: Op, id: string): unknown {
    const cell = this.cells.get(id);
    switch (o.op) {
      case 'init':
        if (cell) return { code: 'ALREADY_EXISTS' };
        return this.#create(id, o.value);
      case 'set':
        if (!cell) return this.#create(id, o.value);
        this.cells.set(id, { value: o.value, version: cell.version + 1 });
        return cell.version + 1;
      case 'cas': {
        if (!cell) return { code: 'NOT_FOUND' };
        const expected = o.expected === 'current' ? cell.version : o.expected;
        if (expected !== cell.version) return { code: 'VERSION_MISMATCH', expected, actual: cell.version };
        this.cells.set(id, { value: o.value, version: cell.version + 1 });
        return cell.version + 1;
      }
      case 'delete':
        if (!cell) return false;
        this.cells.delete(id);
        this.deleted.set(id, cell.version);
        return true;
      case 'read':
        return cell && { value: cell.value, version: cell.version };
      case 'exists':
        return cell !== undefined;
      case 'transition':
        if (!cell) return { code: 'NOT_FOUND' };
        this.cells.set(id, { value: o.value, version: cell.version + 1 });
        return { result: cell.version, version: cell.version + 1, value: o.value };
      case 'transitionOrInit': {
        if (cell) {
          this.cells.set(id, { value: o.value, version: cell.version + 1 });
          return { result: cell.version, version: cell.version + 1, value: o.value };
        }
        return { result: 0, version: this.#create(id, o.value), value: o.value };
      }
    }
  }
}

let f: CellFixture;
let sequenceNo = 0;
beforeAll(async () => {
  f = await openCells({ durability: 'buffered' });
});
afterAll(() => f.t.dispose());

async function applyReal(o: Op, run: string): Promise<unknown> {
  const s = f.state;
  try {
    switch (o.op) {
      case 'init':
        return await s.init(run, o.name, o.value);
      case 'set':
        return await s.set(run, o.name, o.value);
      case 'cas': {
        const current = (await s.read(run, o.name))?.version ?? 1;
        return await s.cas(run, o.name, o.expected === 'current' ? current : o.expected, o.value);
      }
      case 'delete':
        return await s.delete(run, o.name);
      case 'read': {
        const r = await s.read(run, o.name);
        return r && { value: r.value, version: r.version };
      }
      case 'exists':
        return await s.exists(run, o.name);
      case 'transition':
        return await s.transition(run, o.name, (st) => ({ value: o.value, result: st.version }));
      case 'transitionOrInit':
        return await s.transitionOrInit(run, o.name, o.initial, (st) => {
          if (st.version === 0) expect(st.value).toEqual(o.initial);
          return { value: o.value, result: st.version };
        });
    }
  } catch (e) {
    if (!isAgentDBError(e)) throw e;
    return e.code === 'VERSION_MISMATCH'
      ? { code: e.code, expected: e.expected, actual: e.actual }
      : { code: e.code };
  }
}

const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

it('agrees with a Map of { value, version } on random operation sequences', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
      sequenceNo++;
      const runs = [`m${sequenceNo}-1`, `m${sequenceNo}-10`];
      const model = new Model();
      for (const o of ops) {
        const run = runs[o.run]!;
        const expected = model.apply(o, `${o.run}/${o.name}`);
        expect(await applyReal(o, run)).toEqual(expected);
      }
      for (const [i, run] of runs.entries()) {
        const live = names.filter((n) => model.cells.has(`${i}/${n}`)).sort(byCodePoint);
        expect(await f.state.list(run)).toEqual(live);
        for (const n of names) {
          const cell = model.cells.get(`${i}/${n}`);
          const real = await f.state.read(run, n);
          expect(real && { value: real.value, version: real.version }).toEqual(cell);
        }
      }
    }),
    modelRunOptions(80),
  );
  expect((await f.db.verify()).ok).toBe(true);
});
