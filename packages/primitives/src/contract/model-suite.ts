import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AgentDB, isAgentDBError, RUN_STATUSES, type RunStatus, type Value } from '../index.js';
import { indexProblems } from './index-checker.js';
import * as M from './model.js';
import { type AgentFixture, openFixture, type PrimitivesSubject } from './subject.js';

/*
 * Random sequences of operations across all five primitives and the run lifecycle, run against AgentDB
 * and against the plain model in helpers/model.ts, compared after every step and again after the
 * database is closed and reopened. On failure fast-check prints the seed and path; replay with
 *   MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run test/contract.test.ts
 */

type Op =
  | { op: 'kvPut'; run: string; key: string; value: Value }
  | { op: 'kvDelete'; run: string; key: string }
  | { op: 'append'; run: string; eventType: string; payload: Value }
  | { op: 'stateInit' | 'stateSet'; run: string; name: string; value: Value }
  | { op: 'stateCas'; run: string; name: string; delta: number; value: Value }
  | { op: 'stateDelete'; run: string; name: string }
  | { op: 'trace'; run: string; custom: boolean; tags: string[]; parent: number | 'none' | 'missing' }
  | { op: 'createRun'; run: string; tags: string[] }
  | { op: 'status'; run: string; status: RunStatus }
  | { op: 'tag'; run: string; tag: string; add: boolean }
  | { op: 'deleteRun'; run: string }
  | { op: 'tx'; run: string; key: string; name: string; payload: Value; throws: boolean }
  | { op: 'reopen' };

const run = fc.constantFrom(...M.MODEL_RUNS);
const key = fc.constantFrom('a', 'b', 'a:1');
const name = fc.constantFrom('phase', 'lock');
const tags = fc.uniqueArray(fc.constantFrom('t1', 't2'), { maxLength: 2 });
const value: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -5, max: 5 }),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
  fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 3 }),
);

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('kvPut' as const), run, key, value }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('kvDelete' as const), run, key }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('append' as const),
      run,
      eventType: fc.constantFrom('x', 'y'),
      payload: value,
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      op: fc.constantFrom('stateInit' as const, 'stateSet' as const),
      run,
      name,
      value,
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('stateCas' as const),
      run,
      name,
      delta: fc.constantFrom(-1, 0, 0, 1),
      value,
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ op: fc.constant('stateDelete' as const), run, name }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('trace' as const),
      run,
      custom: fc.boolean(),
      tags,
      parent: fc.oneof(fc.constant('none' as const), fc.constant('missing' as const), fc.nat(5)),
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ op: fc.constant('createRun' as const), run, tags }), weight: 3 },
  {
    arbitrary: fc.record({
      op: fc.constant('status' as const),
      run,
      status: fc.constantFrom(...RUN_STATUSES),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('tag' as const),
      run,
      tag: fc.constantFrom('t1', 't2'),
      add: fc.boolean(),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('deleteRun' as const), run }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('tx' as const),
      run,
      key,
      name,
      payload: value,
      throws: fc.boolean(),
    }),
    weight: 3,
  },
  { arbitrary: fc.constant({ op: 'reopen' as const }), weight: 1 },
);

class Aborted extends Error {}

/** Runs `op` on the model; returns the error code the real call must fail with, if any. */
function applyToModel(m: M.Model, op: Op, now: number, traceId: string): M.Outcome {
  switch (op.op) {
    case 'kvPut':
      M.runData(m, op.run).kv.set(op.key, op.value);
      return;
    case 'kvDelete':
      M.runData(m, op.run).kv.delete(op.key);
      return;
    case 'append':
      M.append(m, op.run, op.eventType, op.payload, now);
      return;
    case 'stateInit':
      return M.stateInit(m, op.run, op.name, op.value, now);
    case 'stateSet':
      M.stateSet(m, op.run, op.name, op.value, now);
      return;
    case 'stateCas':
      return M.stateCas(m, op.run, op.name, casVersion(m, op), op.value, now);
    case 'stateDelete':
      M.stateDelete(m, op.run, op.name);
      return;
    case 'trace':
      return M.recordTrace(m, op.run, modelTrace(m, op, now, traceId));
    case 'createRun':
      return M.createRun(m, op.run, op.tags, now);
    case 'status':
      return M.updateStatus(m, op.run, op.status, now);
    case 'tag':
      return M.changeTag(m, op.run, op.tag, op.add, now);
    case 'deleteRun':
      return M.deleteRun(m, op.run);
    case 'tx': {
      if (op.throws) return { error: 'INVALID_ARGUMENT' }; // stands for "the user's error", checked below
      M.runData(m, op.run).kv.set(op.key, op.payload);
      M.append(m, op.run, 'tx', op.payload, now);
      M.stateSet(m, op.run, op.name, op.payload, now);
      M.recordTrace(m, op.run, txTrace(traceId, now));
      if (m.runs.has(op.run)) M.updateMetadata(m, op.run, { last: op.payload }, now);
      else M.createRun(m, op.run, [], now);
      return;
    }
    case 'reopen':
      return;
  }
}

const casVersion = (m: M.Model, op: { run: string; name: string; delta: number }) =>
  Math.max(0, (M.runData(m, op.run).cells.get(op.name)?.version ?? 1) + op.delta);

function parentOf(m: M.Model, op: Extract<Op, { op: 'trace' }>): string | undefined {
  if (op.parent === 'none') return undefined;
  if (op.parent === 'missing') return 'no-such-trace';
  const traces = M.runData(m, op.run).traces;
  return traces.length === 0 ? undefined : traces[op.parent % traces.length]!.id;
}

function modelTrace(m: M.Model, op: Extract<Op, { op: 'trace' }>, now: number, id: string): M.ModelTrace {
  const parentId = parentOf(m, op);
  return {
    id,
    ...(parentId === undefined ? {} : { parentId }),
    traceType: op.custom ? { type: 'custom', name: 'step', data: id } : { type: 'thought', content: id },
    timestamp: now,
    tags: op.tags,
    metadata: {},
  };
}

const txTrace = (id: string, now: number): M.ModelTrace => ({
  id,
  traceType: { type: 'thought', content: 'tx' },
  timestamp: now,
  tags: ['tx'],
  metadata: {},
});

/** Runs `op` on AgentDB (the trace op's parent is chosen from the model as it was before the op). */
async function applyToReal(db: AgentDB, op: Op, before: M.Model, traceId: string): Promise<void> {
  switch (op.op) {
    case 'kvPut':
      return db.kv.put(op.run, op.key, op.value);
    case 'kvDelete':
      await db.kv.delete(op.run, op.key);
      return;
    case 'append':
      await db.events.append(op.run, op.eventType, op.payload);
      return;
    case 'stateInit':
      await db.state.init(op.run, op.name, op.value);
      return;
    case 'stateSet':
      await db.state.set(op.run, op.name, op.value);
      return;
    case 'stateCas':
      await db.state.cas(op.run, op.name, casVersion(before, op), op.value);
      return;
    case 'stateDelete':
      await db.state.delete(op.run, op.name);
      return;
    case 'trace': {
      const t = modelTrace(before, op, 0, traceId);
      await db.traces.record(op.run, t.traceType, {
        id: traceId,
        tags: op.tags,
        ...(t.parentId === undefined ? {} : { parentId: t.parentId }),
      });
      return;
    }
    case 'createRun':
      await db.runs.createRun({ runId: op.run, tags: op.tags });
      return;
    case 'status':
      await db.runs.updateStatus(
        op.run,
        op.status,
        op.status === 'failed' ? { error: 'model failure' } : undefined,
      );
      return;
    case 'tag':
      await (op.add ? db.runs.addTags(op.run, [op.tag]) : db.runs.removeTags(op.run, [op.tag]));
      return;
    case 'deleteRun':
      await db.runs.deleteRun(op.run);
      return;
    case 'tx':
      await db.transaction(op.run, async (tx) => {
        await tx.kv.put(op.key, op.payload);
        tx.events.append('tx', op.payload);
        await tx.state.set(op.name, op.payload);
        await tx.traces.record({ type: 'thought', content: 'tx' }, { id: traceId, tags: ['tx'] });
        if (await tx.runs.exists()) await tx.runs.updateMetadata({ last: op.payload });
        else await tx.runs.createRun();
        if (op.throws) throw new Aborted('the agent changed its mind');
      });
      return;
    case 'reopen':
      return;
  }
}

/** Reads everything through the public API and compares it with the model. */
async function compare(db: AgentDB, m: M.Model): Promise<void> {
  for (const r of M.MODEL_RUNS) {
    const d = m.data.get(r) ?? M.runData(M.emptyModel(), r);
    const kv = [...d.kv].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, value]) => ({ key: k, value }));
    expect(await db.kv.listWithValues(r), `kv of ${r}`).toEqual(kv);

    const len = await db.events.len(r);
    expect(len, `event count of ${r}`).toBe(d.events.length);
    const events = (await db.events.readRange(r, 0, len + 1)).map(
      ({ sequence, eventType, payload, timestamp }) => ({
        sequence,
        eventType,
        payload,
        timestamp,
      }),
    );
    expect(events, `events of ${r}`).toEqual(d.events);
    expect((await db.events.readByType(r, 'x')).map((e) => e.sequence)).toEqual(
      d.events.filter((e) => e.eventType === 'x').map((e) => e.sequence),
    );
    expect(await db.events.verifyChain(r)).toEqual({ valid: true, length: d.events.length });

    const names = [...d.cells.keys()].sort();
    expect(await db.state.list(r), `cells of ${r}`).toEqual(names);
    for (const n of names) expect(await db.state.read(r, n), `cell ${r}/${n}`).toEqual(d.cells.get(n));

    const traces = [...d.traces].sort(M.byTimeThenId);
    expect(await db.traces.list(r), `traces of ${r}`).toEqual(traces);
    expect(await db.traces.count(r)).toBe(traces.length);
    expect((await db.traces.queryByTag(r, 't1')).map((t) => t.id)).toEqual(
      traces.filter((t) => t.tags.includes('t1')).map((t) => t.id),
    );
    expect((await db.traces.getRoots(r)).map((t) => t.id)).toEqual(
      traces.filter((t) => t.parentId === undefined).map((t) => t.id),
    );
    expect(await db.runs.getRun(r), `run ${r}`).toEqual(m.runs.get(r));
  }
  const runs = M.sortedRuns(m);
  expect(await db.runs.listRuns()).toEqual(runs.map((r) => r.runId));
  expect(await db.runs.count()).toBe(runs.length);
  expect(await db.runs.queryRuns({ status: 'active' })).toEqual(runs.filter((r) => r.status === 'active'));
  expect(await db.runs.queryRuns({ tag: 't1' })).toEqual(runs.filter((r) => r.tags.includes('t1')));
  expect(await indexProblems(db.engine)).toEqual([]);
}

const seed = process.env.MODEL_SEED === undefined ? undefined : Number(process.env.MODEL_SEED);
const path = process.env.MODEL_PATH;

/** Random five-primitive sequences against a plain in-memory model (fast-check), on `subject`'s engine. */
export function modelSuite(name: string, subject: PrimitivesSubject): void {
  describe(`AgentDB against an in-memory model (${name})`, () => {
    it('agrees after every step of random five-primitive sequences, and after reopening', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30, size: 'max' }), async (ops) => {
          const f: AgentFixture = await openFixture(subject);
          try {
            const m = M.emptyModel();
            let traces = 0;
            for (const op of ops) {
              f.clock.advance(1);
              if (op.op === 'reopen') await f.reopen();
              const traceId = `t${String(traces).padStart(4, '0')}`;
              const before = structuredClone(m);
              const expected = applyToModel(m, op, f.clock(), traceId);
              if (expected !== undefined) {
                // A refused operation leaves the model as it was (restore it: the model mutates in place).
                m.data = before.data;
                m.runs = before.runs;
              }
              const error = await applyToReal(f.db, op, before, traceId).then(
                () => undefined,
                (e: unknown) => e,
              );
              if (op.op === 'tx' && op.throws) expect(error).toBeInstanceOf(Aborted);
              else if (expected === undefined) expect(error).toBeUndefined();
              else
                expect(
                  isAgentDBError(error, expected.error),
                  `${JSON.stringify(op)} → ${String(error)}`,
                ).toBe(true);
              if (op.op === 'trace' || (op.op === 'tx' && !op.throws)) traces++;
              await compare(f.db, m);
            }
            await f.reopen();
            await compare(f.db, m);
            expect(await f.db.engine.verify()).toEqual({ ok: true, problems: [] });
          } finally {
            await f.dispose();
          }
        }),
        { numRuns: 20, ...(seed === undefined ? {} : { seed }), ...(path === undefined ? {} : { path }) },
      );
    });
  });
}
