import type { Value } from '@agentdb/core';
import { type PrimitiveSubject, refusalsOf } from '@agentdb/engine/primitive-contract';
import { badKeyStrings, badNonNegativeInts, badValues } from '@agentdb/engine/testing';
import { StateCell } from './state-cell.js';
import type { StateCellView } from './state-cell-view.js';

const same = (s: { value: Value }) => ({ value: s.value });

/**
 * StateCell as the subject of the primitive contract (`primitiveContract` of
 * `@agentdb/engine/primitive-contract`): how the suite builds it, calls every method with a run id,
 * and which calls through a view must be refused. Its tests run it on LMDB; give it another `open` to
 * run it on another engine (`primitiveContract({ ...stateCellContractSubject, open })`, as `@agentdb/postgres` does).
 * Test code: the suite imports vitest.
 *
 * @example
 * const state = stateCellContractSubject.create(db); // a StateCell, as the suite builds it
 */
export const stateCellContractSubject: PrimitiveSubject<StateCell, StateCellView> = {
  name: 'StateCell',
  create: (engine) => new StateCell(engine),
  in: (state, tx, runId) => state.in(tx, runId),
  seed: (state, run) => state.init(run, 'cell', 1),
  byRun: {
    init: (s, run) => s.init(run, 'fresh', 1),
    read: (s, run) => s.read(run, 'cell'),
    exists: (s, run) => s.exists(run, 'cell'),
    set: (s, run) => s.set(run, 'cell', 2),
    cas: (s, run) => s.cas(run, 'cell', 1, 2),
    delete: (s, run) => s.delete(run, 'cell'),
    list: (s, run) => s.list(run),
    transition: (s, run) => s.transition(run, 'cell', same),
    transitionOrInit: (s, run) => s.transitionOrInit(run, 'cell', 0, same),
  },
  viewCalls: {
    init: (v) => v.init('fresh', 1),
    read: (v) => v.read('cell'),
    exists: (v) => v.exists('cell'),
    set: (v) => v.set('cell', 2),
    cas: (v) => v.cas('cell', 1, 2),
    delete: (v) => v.delete('cell'),
    list: (v) => v.list(),
    transition: (v) => v.transition('cell', same),
    transitionOrInit: (v) => v.transitionOrInit('cell', 0, same),
  },
  write: (v) => v.set('probe', 1),
  written: (state, run) => state.exists(run, 'probe'),
  refusals: [
    ...refusalsOf<StateCellView>(
      badKeyStrings(),
      'set of a cell named',
      (v, name) => v.set(name as string, 1),
      'INVALID_ARGUMENT',
    ),
    ...refusalsOf<StateCellView>(
      badValues(),
      'set of a value with',
      (v, value) => v.set('cell', value as Value),
      'INVALID_VALUE',
    ),
    ...refusalsOf<StateCellView>(
      badNonNegativeInts(),
      'cas with an expected version that is',
      (v, version) => v.cas('cell', version as number, 2),
      'INVALID_ARGUMENT',
    ),
    ['init of an existing cell', (v) => v.init('cell', 2), 'ALREADY_EXISTS'],
    ['cas at a stale version', (v) => v.cas('cell', 7, 2), 'VERSION_MISMATCH'],
    ['transition of a missing cell', (v) => v.transition('missing', same), 'NOT_FOUND'],
  ],
};
