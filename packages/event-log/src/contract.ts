import type { Value } from '@agentdb/core';
import { type PrimitiveSubject, refusalsOf } from '@agentdb/engine/primitive-contract';
import { badKeyStrings, badValues } from '@agentdb/engine/testing';
import { EventLog } from './event-log.js';
import type { EventLogView } from './event-log-view.js';

/**
 * EventLog as the subject of the primitive contract (`primitiveContract` of
 * `@agentdb/engine/primitive-contract`): how the suite builds it, calls every method with a run id,
 * and which calls through a view must be refused. Its tests run it on LMDB; give it another `open` to
 * run it on another engine (`primitiveContract({ ...eventLogContractSubject, open })`, as `@agentdb/postgres` does).
 * Test code: the suite imports vitest.
 *
 * @example
 * const events = eventLogContractSubject.create(db); // a EventLog, as the suite builds it
 */
export const eventLogContractSubject: PrimitiveSubject<EventLog, EventLogView> = {
  name: 'EventLog',
  create: (engine) => new EventLog(engine),
  in: (events, tx, runId) => events.in(tx, runId),
  seed: (events, run) => events.append(run, 'seed', null),
  byRun: {
    append: (e, run) => e.append(run, 'x', 1),
    read: (e, run) => e.read(run, 0),
    readRange: (e, run) => e.readRange(run, 0, 1),
    head: (e, run) => e.head(run),
    len: (e, run) => e.len(run),
    readByType: (e, run) => e.readByType(run, 'x'),
    iter: (e, run) => e.iter(run).next(),
    verifyChain: (e, run) => e.verifyChain(run),
  },
  viewCalls: {
    append: (v) => v.append('x', 1),
    read: (v) => v.read(0),
    readRange: (v) => v.readRange(0, 1),
    head: (v) => v.head(),
    len: (v) => v.len(),
    readByType: (v) => v.readByType('seed'),
    iter: (v) => v.iter().next(),
    verifyChain: (v) => v.verifyChain(),
  },
  write: (v) => v.append('probe', 1),
  written: async (events, run) => (await events.len(run)) > 0,
  refusals: [
    ...refusalsOf<EventLogView>(
      badKeyStrings(),
      'append of an event type that is',
      (v, type) => v.append(type as string, 1),
      'INVALID_ARGUMENT',
    ),
    ...refusalsOf<EventLogView>(
      badValues(),
      'append of a payload with',
      (v, payload) => v.append('x', payload as Value),
      'INVALID_VALUE',
    ),
    ['read of a negative sequence', (v) => v.read(-1), 'INVALID_ARGUMENT'],
    ['iter({ follow }) inside a transaction', (v) => v.iter({ follow: true }).next(), 'INVALID_ARGUMENT'],
  ],
};
