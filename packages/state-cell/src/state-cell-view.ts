import type { Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import { checkExpectedVersion, checkTransitionFn, checkValue } from './arguments.js';
import { cellExists, listCells, readCell } from './reads.js';
import type { State, TransitionFn, TransitionOutcome } from './types.js';
import { casCell, deleteCell, initCell, setCell, transitionCell, transitionOrInitCell } from './writes.js';

/**
 * StateCell bound to one transaction and one run: the same methods as the facade minus `runId`.
 * Everything it does commits (or aborts) with the transaction. Each method checks its arguments and
 * makes every fallible step before it buffers a write, so a method that throws leaves nothing behind
 * even if the caller catches the error and commits. Valid only while the transaction's function runs.
 */
export class StateCellView {
  /** The run this view reads and writes. @example state.in(tx, 'run-1').runId // 'run-1' */
  readonly runId: string;
  readonly #tx: EngineTransaction;

  /** @internal Use `state.in(tx, runId?)`: a checked transaction and run id. */
  constructor(tx: EngineTransaction, runId: string) {
    this.#tx = tx;
    this.runId = runId;
  }

  /**
   * Creates the cell at version 1 (or just above its old version if it was deleted before).
   * `ALREADY_EXISTS` if it exists.
   *
   * @example
   * await state.in(tx).init('phase', 'planning'); // 1
   */
  async init(name: string, value: Value): Promise<number> {
    return initCell(this.#tx, this.runId, name, checkValue(value, 'value'));
  }

  /**
   * The cell's value, version and update time, or `undefined`.
   *
   * @example
   * const s = await state.in(tx).read('phase'); // { value: 'planning', version: 1, updatedAt: … }
   */
  async read(name: string): Promise<State | undefined> {
    return readCell(this.#tx, this.runId, name);
  }

  /**
   * True when the cell exists.
   *
   * @example
   * if (!(await state.in(tx).exists('leader'))) await state.in(tx).init('leader', 'agent-7');
   */
  async exists(name: string): Promise<boolean> {
    return cellExists(this.#tx, this.runId, name);
  }

  /**
   * Writes `value` unconditionally: creates the cell (version 1, or above its old version) or bumps
   * its version by one. Returns the new version.
   *
   * @example
   * await state.in(tx).set('phase', 'acting'); // 2
   */
  async set(name: string, value: Value): Promise<number> {
    return setCell(this.#tx, this.runId, name, checkValue(value, 'value'));
  }

  /**
   * Writes `value` only if the cell's version is `expectedVersion`; returns the new version.
   * `VERSION_MISMATCH` (`expected`, `actual`) otherwise, `NOT_FOUND` if the cell is missing.
   *
   * @example
   * await state.in(tx).cas('phase', 2, 'done'); // 3
   */
  async cas(name: string, expectedVersion: number, value: Value): Promise<number> {
    checkExpectedVersion(expectedVersion);
    return casCell(this.#tx, this.runId, name, expectedVersion, checkValue(value, 'value'));
  }

  /**
   * Deletes the cell; true if it existed. Its version is remembered, so a re-created cell continues
   * above it and a stale `cas` can never succeed.
   *
   * @example
   * await state.in(tx).delete('lock'); // true
   */
  async delete(name: string): Promise<boolean> {
    return deleteCell(this.#tx, this.runId, name);
  }

  /**
   * Names of the run's cells, ascending by Unicode code point.
   *
   * @example
   * await state.in(tx).list(); // ['leader', 'phase']
   */
  async list(): Promise<string[]> {
    return listCells(this.#tx, this.runId);
  }

  /**
   * Applies the pure closure `fn` to the current state and writes its `value` at the next version.
   * `NOT_FOUND` if the cell is missing; an error thrown by `fn` aborts and propagates unchanged.
   *
   * @example
   * const { result, version } = await state.in(tx).transition('counter', (s) => ({
   *   value: (s.value as number) + 1,
   *   result: s.value,
   * }));
   */
  async transition<T>(name: string, fn: TransitionFn<T>): Promise<TransitionOutcome<T>> {
    checkTransitionFn<T>(fn);
    return transitionCell(this.#tx, this.runId, name, fn);
  }

  /**
   * Like `transition`, but a missing cell is created from `fn` applied to
   * `{ value: initial, version: 0, updatedAt: now }` — one write, so a fresh cell lands at version 1.
   *
   * @example
   * await state.in(tx).transitionOrInit('counter', 0, (s) => ({ value: (s.value as number) + 1 }));
   * // { result: undefined, version: 1, value: 1 } on a fresh run
   */
  async transitionOrInit<T>(
    name: string,
    initial: Value,
    fn: TransitionFn<T>,
  ): Promise<TransitionOutcome<T>> {
    const checkedInitial = checkValue(initial, 'initial');
    checkTransitionFn<T>(fn);
    return transitionOrInitCell(this.#tx, this.runId, name, checkedInitial, fn);
  }
}
