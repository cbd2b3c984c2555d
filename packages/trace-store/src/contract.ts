import type { Value } from '@agentdb/core';
import { type PrimitiveSubject, refusalsOf } from '@agentdb/engine/primitive-contract';
import { badKeyStrings, badPositiveInts, badValues } from '@agentdb/engine/testing';
import { TraceStore } from './trace-store.js';
import type { TraceStoreView } from './trace-store-view.js';
import type { TraceType } from './types.js';

const OK: TraceType = { type: 'thought', content: 'fine' };

/**
 * TraceStore as the subject of the primitive contract (`primitiveContract` of
 * `@agentdb/engine/primitive-contract`): how the suite builds it, calls every method with a run id,
 * and which calls through a view must be refused. Its tests run it on LMDB; give it another `open` to
 * run it on another engine (`primitiveContract({ ...traceStoreContractSubject, open })`, as `@agentdb/postgres` does).
 * Test code: the suite imports vitest.
 *
 * @example
 * const traces = traceStoreContractSubject.create(db); // a TraceStore, as the suite builds it
 */
export const traceStoreContractSubject: PrimitiveSubject<TraceStore, TraceStoreView> = {
  name: 'TraceStore',
  create: (engine) => new TraceStore(engine),
  in: (traces, tx, runId) => traces.in(tx, runId),
  seed: (traces, run) => traces.record(run, OK, { id: 'parent', tags: ['a'] }),
  byRun: {
    record: (t, run) => t.record(run, OK),
    recordChild: (t, run) => t.recordChild(run, 'parent', OK),
    get: (t, run) => t.get(run, 'parent'),
    exists: (t, run) => t.exists(run, 'parent'),
    list: (t, run) => t.list(run),
    count: (t, run) => t.count(run),
    queryByType: (t, run) => t.queryByType(run, 'thought'),
    queryByTag: (t, run) => t.queryByTag(run, 'a'),
    queryByTime: (t, run) => t.queryByTime(run, 0, 10),
    getChildren: (t, run) => t.getChildren(run, 'parent'),
    getRoots: (t, run) => t.getRoots(run),
    getTree: (t, run) => t.getTree(run, 'parent'),
  },
  viewCalls: {
    record: (v) => v.record(OK),
    recordChild: (v) => v.recordChild('parent', OK),
    get: (v) => v.get('parent'),
    exists: (v) => v.exists('parent'),
    list: (v) => v.list(),
    count: (v) => v.count(),
    queryByType: (v) => v.queryByType('thought'),
    queryByTag: (v) => v.queryByTag('a'),
    queryByTime: (v) => v.queryByTime(0, 10),
    getChildren: (v) => v.getChildren('parent'),
    getRoots: (v) => v.getRoots(),
    getTree: (v) => v.getTree('parent'),
  },
  write: (v) => v.record(OK, { id: 'probe' }),
  written: (traces, run) => traces.exists(run, 'probe'),
  refusals: [
    ...refusalsOf<TraceStoreView>(
      badKeyStrings(),
      'record with a tag that is',
      (v, tag) => v.record(OK, { tags: [tag as string] }),
      'INVALID_ARGUMENT',
    ),
    // An undefined metadata is the default ({}), not a bad value.
    ...refusalsOf<TraceStoreView>(
      badValues().filter(([, metadata]) => metadata !== undefined),
      'record with metadata with',
      (v, metadata) => v.record(OK, { metadata: metadata as Value }),
      'INVALID_VALUE',
    ),
    ...refusalsOf<TraceStoreView>(
      badPositiveInts(),
      'list with a limit that is',
      (v, limit) => v.list({ limit: limit as number }),
      'INVALID_ARGUMENT',
    ),
    ['record of a malformed trace type', (v) => v.record({ type: 'thought' } as never), 'INVALID_ARGUMENT'],
    ['record with a taken id', (v) => v.record(OK, { id: 'parent' }), 'ALREADY_EXISTS'],
    ['recordChild of a missing parent', (v) => v.recordChild('missing', OK), 'NOT_FOUND'],
  ],
};
