import type { Value } from '@agentdb/core';
import { type PrimitiveSubject, refusalsOf } from '@agentdb/engine/primitive-contract';
import { badKeyStrings, badValues } from '@agentdb/engine/testing';
import { RunIndex } from './run-index.js';
import type { RunIndexView } from './run-index-view.js';
import type { RunStatus } from './types.js';

/**
 * RunIndex as the subject of the primitive contract (`primitiveContract` of
 * `@agentdb/engine/primitive-contract`): how the suite builds it, calls every method with a run id,
 * and which calls through a view must be refused. Its tests run it on LMDB; give it another `open` to
 * run it on another engine (`primitiveContract({ ...runIndexContractSubject, open })`, as `@agentdb/postgres` does).
 * Test code: the suite imports vitest.
 *
 * @example
 * const runs = runIndexContractSubject.create(db); // a RunIndex, as the suite builds it
 */
export const runIndexContractSubject: PrimitiveSubject<RunIndex, RunIndexView> = {
  name: 'RunIndex',
  create: (engine) => new RunIndex(engine),
  in: (runs, tx, runId) => runs.in(tx, runId),
  seed: (runs, run) => runs.createRun({ runId: run, tags: ['t'] }),
  byRun: {
    getRun: (r, run) => r.getRun(run),
    exists: (r, run) => r.exists(run),
    updateStatus: (r, run) => r.updateStatus(run, 'paused'),
    completeRun: (r, run) => r.completeRun(run),
    failRun: (r, run) => r.failRun(run, 'x'),
    pauseRun: (r, run) => r.pauseRun(run),
    resumeRun: (r, run) => r.resumeRun(run),
    cancelRun: (r, run) => r.cancelRun(run),
    archiveRun: (r, run) => r.archiveRun(run),
    addTags: (r, run) => r.addTags(run, ['u']),
    removeTags: (r, run) => r.removeTags(run, ['t']),
    updateMetadata: (r, run) => r.updateMetadata(run, {}),
    getChildRuns: (r, run) => r.getChildRuns(run),
    deleteRun: (r, run) => r.deleteRun(run),
  },
  global: {
    listRuns: (r) => r.listRuns(),
    count: (r) => r.count(),
    queryRuns: (r) => r.queryRuns({ status: 'active' }),
  },
  viewCalls: {
    createRun: (v) => v.createRun(),
    getRun: (v) => v.getRun(),
    exists: (v) => v.exists(),
    listRuns: (v) => v.listRuns(),
    count: (v) => v.count(),
    updateStatus: (v) => v.updateStatus('paused'),
    completeRun: (v) => v.completeRun(),
    addTags: (v) => v.addTags(['u']),
    updateMetadata: (v) => v.updateMetadata({}),
    queryRuns: (v) => v.queryRuns(),
    getChildRuns: (v) => v.getChildRuns(),
    deleteRun: (v) => v.deleteRun(),
  },
  write: (v) => v.createRun(),
  written: (runs, run) => runs.exists(run),
  refusals: [
    ...refusalsOf<RunIndexView>(
      badKeyStrings(),
      'addTags with a tag that is',
      (v, tag) => v.addTags([tag as string]),
      'INVALID_ARGUMENT',
    ),
    ...refusalsOf<RunIndexView>(
      badValues(),
      'updateMetadata with',
      (v, metadata) => v.updateMetadata(metadata as Value),
      'INVALID_VALUE',
    ),
    ['updateStatus to an unknown status', (v) => v.updateStatus('done' as RunStatus), 'INVALID_ARGUMENT'],
    ['createRun of an existing run', (v) => v.createRun(), 'ALREADY_EXISTS'],
    ['failRun with an Error object', (v) => v.failRun(new Error('x') as never), 'INVALID_ARGUMENT'],
  ],
};
