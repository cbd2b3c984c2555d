import { type Value, validateRunId } from '@agentdb/core';
import { bindView, checkDatabase, type Engine, type EngineTransaction } from '@agentdb/engine';
import { checkExpectedVersion, checkTransitionFn, checkValue } from './arguments.js';
import { cellExists, listCells, readCell } from './reads.js';
import { StateCellView } from './state-cell-view.js';
import type { State, TransitionFn, TransitionOutcome } from './types.js';
import { casCell, deleteCell, initCell, setCell, transitionCell, transitionOrInitCell } from './writes.js';

/**
 * Versioned cells with compare-and-swap, for coordination between agents (locks, phases, counters,
 * leader election). A stateless facade over an engine: it holds only `db`, so any number of instances
 * see the same data. Each write checks its arguments once, then runs as one optimistic transaction
 * (re-run on conflict); reads are snapshot reads.
 *
 * @example
 * const state = new StateCell(db);
 * await state.init('run-1', 'phase', 'planning');     // 1
 * await state.cas('run-1', 'phase', 1, 'acting');     // 2
 */
export class StateCell {
  readonly #db: Engine;

  /**
   * @example
   * const state = new StateCell(await Database.open({ path: './agent-data' }));
   */
  constructor(db: Engine) {
    checkDatabase(db, 'StateCell');
    this.#db = db;
  }

  /**
   * The transaction view: the same methods minus `runId`, bound to `runId ?? tx.runId`
   * (`INVALID_ARGUMENT` if neither is given). Its writes commit atomically with the rest of `tx`.
   *
   * @example
   * await db.transaction(async (tx) => {
   *   const cells = state.in(tx);
   *   await cells.set('phase', 'acting');
   *   await cells.set('actor', 'agent-7');
   * }, { runId: 'run-1' });
   */
  in(tx: EngineTransaction, runId?: string): StateCellView {
    const bound = bindView(tx, runId, 'state');
    return new StateCellView(bound.tx, bound.runId);
  }

  /**
   * Creates a cell at version 1 (above its old version if it was deleted before); `ALREADY_EXISTS`
   * if it exists.
   *
   * @example
   * await state.init('run-1', 'goal', 'answer the question'); // 1
   */
  async init(runId: string, name: string, value: Value): Promise<number> {
    validateRunId(runId);
    const checked = checkValue(value, 'value');
    // No `{ runId }` option: it only sets the default run of views, and these writes name their run.
    return this.#db.transaction((tx) => initCell(tx, runId, name, checked));
  }

  /**
   * The cell's `{ value, version, updatedAt }`, or `undefined` if it does not exist.
   *
   * @example
   * const s = await state.read('run-1', 'phase'); // { value: 'planning', version: 1, updatedAt: … }
   */
  async read(runId: string, name: string): Promise<State | undefined> {
    validateRunId(runId);
    return readCell(this.#db, runId, name);
  }

  /**
   * True when the cell exists.
   *
   * @example
   * await state.exists('run-1', 'phase'); // true
   */
  async exists(runId: string, name: string): Promise<boolean> {
    validateRunId(runId);
    return cellExists(this.#db, runId, name);
  }

  /**
   * Writes unconditionally: creates the cell at version 1 (or above its old version) or bumps the
   * version by one. Returns the new version.
   *
   * @example
   * await state.set('run-1', 'phase', 'acting'); // 2
   */
  async set(runId: string, name: string, value: Value): Promise<number> {
    validateRunId(runId);
    const checked = checkValue(value, 'value');
    return this.#db.transaction((tx) => setCell(tx, runId, name, checked));
  }

  /**
   * Compare-and-swap: writes only if the version is `expectedVersion`, returning the new version.
   * Of N concurrent calls with the same expected version exactly one wins; the others get
   * `VERSION_MISMATCH` with `expected` and `actual`. `NOT_FOUND` if the cell is missing.
   *
   * @example
   * const v = await state.cas('run-1', 'phase', 1, 'acting'); // 2, or VERSION_MISMATCH
   */
  async cas(runId: string, name: string, expectedVersion: number, value: Value): Promise<number> {
    validateRunId(runId);
    checkExpectedVersion(expectedVersion);
    const checked = checkValue(value, 'value');
    return this.#db.transaction((tx) => casCell(tx, runId, name, expectedVersion, checked));
  }

  /**
   * Deletes the cell; true if it existed. A re-created cell continues above the deleted version.
   *
   * @example
   * await state.delete('run-1', 'phase'); // true
   */
  async delete(runId: string, name: string): Promise<boolean> {
    validateRunId(runId);
    return this.#db.transaction((tx) => deleteCell(tx, runId, name));
  }

  /**
   * Names of the run's cells, ascending by Unicode code point. Costs O(cells), however many were
   * deleted.
   *
   * @example
   * await state.list('run-1'); // ['leader', 'phase']
   */
  async list(runId: string): Promise<string[]> {
    validateRunId(runId);
    return listCells(this.#db, runId);
  }

  /**
   * Read–modify–write with a pure closure: `fn` gets the current state and returns the next `value`
   * (and an optional `result`); the write lands at the next version. On a conflict the engine re-runs
   * `fn` on fresh state, so concurrent transitions never lose an update. `NOT_FOUND` if missing; an
   * error thrown by `fn` aborts and propagates unchanged.
   *
   * @example
   * const { result, version, value } = await state.transition('run-1', 'counter', (s) => ({
   *   value: (s.value as number) + 1,
   *   result: s.value,
   * }));
   */
  async transition<T>(runId: string, name: string, fn: TransitionFn<T>): Promise<TransitionOutcome<T>> {
    validateRunId(runId);
    checkTransitionFn<T>(fn);
    return this.#db.transaction((tx) => transitionCell(tx, runId, name, fn));
  }

  /**
   * `transition`, creating a missing cell from `fn({ value: initial, version: 0, updatedAt: now })`
   * in the same single write (so a fresh cell ends at version 1).
   *
   * @example
   * await state.transitionOrInit('run-1', 'hits', 0, (s) => ({ value: (s.value as number) + 1 }));
   */
  async transitionOrInit<T>(
    runId: string,
    name: string,
    initial: Value,
    fn: TransitionFn<T>,
  ): Promise<TransitionOutcome<T>> {
    validateRunId(runId);
    const checkedInitial = checkValue(initial, 'initial');
    checkTransitionFn<T>(fn);
    return this.#db.transaction((tx) => transitionOrInitCell(tx, runId, name, checkedInitial, fn));
  }
}
