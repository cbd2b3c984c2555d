import { type Value, validateRunId } from '@agentdb/core';
import { bindView, checkDatabase, type Engine, type EngineTransaction } from '@agentdb/engine';
import { cellExists, listCells, readCell } from './cell-reads.js';
import type { State, TransitionFn, TransitionOutcome } from './state.js';
import { StateCellView } from './state-cell-view.js';

/**
 * Versioned cells with compare-and-swap, for coordination between agents (locks, phases, counters,
 * leader election). A stateless facade over a `Database`: it holds only `db`, so any number of
 * instances see the same data. Writes run as optimistic transactions through the view returned by
 * `in`; reads are snapshot reads.
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
   * const state = new StateCell(await Database.open({ path: './data' }));
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
   *   await cells.cas('phase', 2, 'acting');
   *   await cells.set('actor', 'agent-7');
   * }, { runId: 'run-1' });
   */
  in(tx: EngineTransaction, runId?: string): StateCellView {
    const bound = bindView(tx, runId, 'state');
    return new StateCellView(bound.tx, bound.runId, this.#db.clock);
  }

  /**
   * Creates a cell at version 1 (above its old version if it was deleted before); `ALREADY_EXISTS`
   * if it exists.
   *
   * @example
   * await state.init('run-1', 'phase', 'planning'); // 1
   */
  init(runId: string, name: string, value: Value): Promise<number> {
    return this.#write(runId, (cells) => cells.init(name, value));
  }

  /**
   * The cell's `{ value, version, updatedAt }`, or `undefined` if it does not exist.
   *
   * @example
   * const s = await state.read('run-1', 'phase'); // { value: 'planning', version: 1, updatedAt: … }
   */
  async read(runId: string, name: string): Promise<State | undefined> {
    return readCell(this.#db, runId, name);
  }

  /**
   * True when the cell exists.
   *
   * @example
   * await state.exists('run-1', 'phase'); // true
   */
  async exists(runId: string, name: string): Promise<boolean> {
    return cellExists(this.#db, runId, name);
  }

  /**
   * Writes unconditionally: creates the cell at version 1 (or above its old version) or bumps the
   * version by one. Returns the new version.
   *
   * @example
   * await state.set('run-1', 'phase', 'acting'); // 2
   */
  set(runId: string, name: string, value: Value): Promise<number> {
    return this.#write(runId, (cells) => cells.set(name, value));
  }

  /**
   * Compare-and-swap: writes only if the version is `expectedVersion`, returning the new version.
   * Of N concurrent calls with the same expected version exactly one wins; the others get
   * `VERSION_MISMATCH` with `expected` and `actual`. `NOT_FOUND` if the cell is missing.
   *
   * @example
   * const v = await state.cas('run-1', 'leader', 4, 'agent-7'); // 5, or VERSION_MISMATCH
   */
  cas(runId: string, name: string, expectedVersion: number, value: Value): Promise<number> {
    return this.#write(runId, (cells) => cells.cas(name, expectedVersion, value));
  }

  /**
   * Deletes the cell; true if it existed. A re-created cell continues above the deleted version.
   *
   * @example
   * await state.delete('run-1', 'lock'); // true
   */
  delete(runId: string, name: string): Promise<boolean> {
    return this.#write(runId, (cells) => cells.delete(name));
  }

  /**
   * Names of the run's cells, ascending by Unicode code point. Costs O(cells), however many were
   * deleted.
   *
   * @example
   * await state.list('run-1'); // ['leader', 'phase']
   */
  async list(runId: string): Promise<string[]> {
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
  transition<T>(runId: string, name: string, fn: TransitionFn<T>): Promise<TransitionOutcome<T>> {
    return this.#write(runId, (cells) => cells.transition(name, fn));
  }

  /**
   * `transition`, creating a missing cell from `fn({ value: initial, version: 0, updatedAt: now })`
   * in the same single write (so a fresh cell ends at version 1).
   *
   * @example
   * await state.transitionOrInit('run-1', 'hits', 0, (s) => ({ value: (s.value as number) + 1 }));
   */
  transitionOrInit<T>(
    runId: string,
    name: string,
    initial: Value,
    fn: TransitionFn<T>,
  ): Promise<TransitionOutcome<T>> {
    return this.#write(runId, (cells) => cells.transitionOrInit(name, initial, fn));
  }

  async #write<R>(runId: string, op: (cells: StateCellView) => Promise<R>): Promise<R> {
    validateRunId(runId);
    return this.#db.transaction((tx) => op(this.in(tx, runId)), { runId });
  }
}
