import { isAgentDBError } from '@agentdb/core';
import { modelRunOptions } from '@agentdb/engine/testing';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RUN_STATUSES, type RunMetadata, type RunStatus } from '../src/index.js';
import { indexProblems, useRuns } from './helpers.js';

/*
 * Model-based test of the run lifecycle: random sequences of creates (with and without a parent),
 * status changes through updateStatus and every named helper, tag changes, deletes (recursive or not)
 * and clock steps, on a few run ids, against a plain Map of records driven by the transition table of
 * the run-index README and docs/architecture.md — written out here, independently of the implementation. Every answer and error code
 * (with `from`/`to` for INVALID_TRANSITION) must agree, queries by status, tag and parent must list what
 * the model lists, and after each sequence every index agrees with the records. On failure fast-check
 * prints the seed and path; `MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run test/model.test.ts`
 * replays it.
 */

const ALLOWED: Record<RunStatus, readonly RunStatus[]> = {
  active: ['active', 'completed', 'failed', 'cancelled', 'paused', 'archived'],
  paused: ['active', 'cancelled', 'archived'],
  completed: ['archived'],
  failed: ['archived'],
  cancelled: ['archived'],
  archived: [],
};
const FINISHING: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];
const HELPERS = {
  completeRun: 'completed',
  failRun: 'failed',
  pauseRun: 'paused',
  resumeRun: 'active',
  cancelRun: 'cancelled',
  archiveRun: 'archived',
} as const satisfies Record<string, RunStatus>;
type Helper = keyof typeof HELPERS;

const IDS = ['r0', 'r1', 'r2', 'r3'];
const TAGS = ['t', 'u'];

type Op =
  | { op: 'create'; run: number; parent: number | undefined; tags: string[] }
  | { op: 'status'; run: number; to: RunStatus; error: boolean }
  | { op: 'helper'; run: number; helper: Helper }
  | { op: 'addTags' | 'removeTags'; run: number; tags: string[] }
  | { op: 'delete'; run: number; recursive: boolean }
  | { op: 'advance'; ms: number }
  | { op: 'query'; status: RunStatus | undefined; tag: string | undefined; parent: number | undefined };

const runArb = fc.nat(IDS.length - 1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant('create' as const),
      run: runArb,
      parent: fc.option(runArb, { nil: undefined }),
      tags: fc.subarray(TAGS),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('status' as const),
      run: runArb,
      to: fc.constantFrom(...RUN_STATUSES),
      error: fc.boolean(),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('helper' as const),
      run: runArb,
      helper: fc.constantFrom(...(Object.keys(HELPERS) as Helper[])),
    }),
    weight: 3,
  },
  fc.record({
    op: fc.constantFrom('addTags' as const, 'removeTags' as const),
    run: runArb,
    tags: fc.subarray(TAGS),
  }),
  fc.record({ op: fc.constant('delete' as const), run: runArb, recursive: fc.boolean() }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.nat(2) }),
  fc.record({
    op: fc.constant('query' as const),
    status: fc.option(fc.constantFrom(...RUN_STATUSES), { nil: undefined }),
    tag: fc.option(fc.constantFrom(...TAGS), { nil: undefined }),
    parent: fc.option(runArb, { nil: undefined }),
  }),
);

type Outcome =
  | RunMetadata
  | { code: string; from?: unknown; to?: unknown }
  | { keysDeleted: number }
  | string[];

class Model {
  readonly runs = new Map<string, RunMetadata>();

  constructor(readonly now: () => number) {}

  #missing(runId: string): Outcome | undefined {
    return this.runs.has(runId) ? undefined : { code: 'NOT_FOUND' };
  }

  create(runId: string, parent: string | undefined, tags: string[]): Outcome {
    if (this.runs.has(runId)) return { code: 'ALREADY_EXISTS' };
    if (parent !== undefined && !this.runs.has(parent)) return { code: 'NOT_FOUND' };
    const now = this.now();
    const run: RunMetadata = { runId, status: 'active', createdAt: now, updatedAt: now, tags, metadata: {} };
    if (parent !== undefined) run.parentRunId = parent;
    this.runs.set(runId, run);
    return run;
  }

  status(runId: string, to: RunStatus, error: string | undefined): Outcome {
    if (error !== undefined && to !== 'failed') return { code: 'INVALID_ARGUMENT' };
    const run = this.runs.get(runId);
    if (run === undefined) return { code: 'NOT_FOUND' };
    if (run.status === 'active' && to === 'active') return run;
    if (!ALLOWED[run.status].includes(to)) return { code: 'INVALID_TRANSITION', from: run.status, to };
    const now = this.now();
    const next: RunMetadata = { ...run, status: to, updatedAt: now };
    if (FINISHING.includes(to)) next.completedAt = now;
    if (error !== undefined) next.error = error;
    this.runs.set(runId, next);
    return next;
  }

  tags(runId: string, tags: string[], add: boolean): Outcome {
    const run = this.runs.get(runId);
    if (run === undefined) return { code: 'NOT_FOUND' };
    const next = add ? [...new Set([...run.tags, ...tags])] : run.tags.filter((t) => !tags.includes(t));
    if (next.length === run.tags.length) return run;
    const changed = { ...run, tags: next, updatedAt: this.now() };
    this.runs.set(runId, changed);
    return changed;
  }

  delete(runId: string, recursive: boolean): Outcome {
    const missing = this.#missing(runId);
    if (missing !== undefined) return missing;
    const children = (id: string) =>
      [...this.runs.values()].filter((r) => r.parentRunId === id).map((r) => r.runId);
    if (!recursive && children(runId).length > 0) return { code: 'INVALID_ARGUMENT' };
    const doomed = [runId];
    for (let i = 0; i < doomed.length; i++) doomed.push(...children(doomed[i]!));
    for (const id of doomed) this.runs.delete(id);
    return { code: 'deleted' };
  }

  query(status: RunStatus | undefined, tag: string | undefined, parent: string | undefined): string[] {
    return [...this.runs.values()]
      .filter((r) => status === undefined || r.status === status)
      .filter((r) => tag === undefined || r.tags.includes(tag))
      .filter((r) => parent === undefined || r.parentRunId === parent)
      .sort((a, b) => a.createdAt - b.createdAt || (a.runId < b.runId ? -1 : 1))
      .map((r) => r.runId);
  }
}

const f = useRuns({ shared: true });
let sequenceNo = 0;

it('the run lifecycle agrees with the transition table on random operation sequences', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 40 }), async (ops) => {
      // A fresh database per sequence would be slow; fresh run ids are enough (the index is global, so
      // queries are narrowed to this sequence's runs below).
      const prefix = `s${++sequenceNo}-`;
      const id = (i: number) => `${prefix}${IDS[i]}`;
      const model = new Model(() => f.clock());
      const countBefore = await f.runs.count();
      const mine = (ids: string[]) => ids.filter((i) => i.startsWith(prefix));
      const settle = (p: Promise<unknown>): Promise<unknown> =>
        p.then(
          (v) => v,
          (e: unknown) => {
            if (!isAgentDBError(e)) throw e;
            return e.code === 'INVALID_TRANSITION'
              ? { code: e.code, from: e.from, to: e.to }
              : { code: e.code };
          },
        );
      for (const o of ops) {
        switch (o.op) {
          case 'create': {
            const parent = o.parent === undefined ? undefined : id(o.parent);
            const real = await settle(
              f.runs.createRun({
                runId: id(o.run),
                tags: o.tags,
                ...(parent === undefined ? {} : { parentRunId: parent }),
              }),
            );
            expect(real).toEqual(model.create(id(o.run), parent, o.tags));
            break;
          }
          case 'status': {
            const error = o.error ? 'boom' : undefined;
            const real = await settle(
              f.runs.updateStatus(id(o.run), o.to, error === undefined ? undefined : { error }),
            );
            expect(real).toEqual(model.status(id(o.run), o.to, error));
            break;
          }
          case 'helper': {
            const run = id(o.run);
            const real = await settle(
              o.helper === 'failRun' ? f.runs.failRun(run, 'boom') : f.runs[o.helper](run),
            );
            expect(real).toEqual(
              model.status(run, HELPERS[o.helper], o.helper === 'failRun' ? 'boom' : undefined),
            );
            break;
          }
          case 'addTags':
          case 'removeTags': {
            const real = await settle(f.runs[o.op](id(o.run), o.tags));
            expect(real).toEqual(model.tags(id(o.run), o.tags, o.op === 'addTags'));
            break;
          }
          case 'delete': {
            const real = await settle(f.runs.deleteRun(id(o.run), { recursive: o.recursive }));
            const want = model.delete(id(o.run), o.recursive);
            expect(
              (real as { keysDeleted?: number }).keysDeleted === undefined ? real : { code: 'deleted' },
            ).toEqual(want);
            break;
          }
          case 'advance':
            f.clock.advance(o.ms);
            break;
          case 'query': {
            const parent = o.parent === undefined ? undefined : id(o.parent);
            const q = {
              ...(o.status === undefined ? {} : { status: o.status }),
              ...(o.tag === undefined ? {} : { tag: o.tag }),
              ...(parent === undefined ? {} : { parentRunId: parent }),
            };
            expect(mine((await f.runs.queryRuns(q)).map((r) => r.runId))).toEqual(
              model.query(o.status, o.tag, parent),
            );
            break;
          }
        }
        for (const [runId, record] of model.runs) expect(await f.runs.getRun(runId)).toEqual(record);
      }
      expect(mine(await f.runs.listRuns())).toEqual(model.query(undefined, undefined, undefined));
      expect(await f.runs.count()).toBe(countBefore + model.runs.size);
      expect(await indexProblems(f.db)).toEqual([]);
    }),
    modelRunOptions(50),
  );
});
