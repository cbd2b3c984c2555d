import { AgentDBError, type Clock, readClock, type Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import { checkExpectedVersion, checkTransitionFn, checkTransitionOutput, checkValue } from './arguments.js';
import { cellKey, cellRecord, highWaterKey, parseHighWater } from './cell-layout.js';
import { cellExists, listCells, readCell } from './cell-reads.js';
import type { State, TransitionFn, TransitionOutcome } from './state.js';

/**
 * StateCell bound to one transaction and one run: the same methods as the facade minus `runId`.
 * Everything it does commits (or aborts) with the transaction. Each method validates its arguments
 * and makes every fallible step before it buffers a write, so a method that throws leaves nothing
 * behind even if the caller catches the error and commits.
 */
export class StateCellView {
  readonly #tx: EngineTransaction;
  readonly #runId: string;
  readonly #clock: Clock;

  /** @internal Use `stateCell.in(tx, runId?)`. */
  constructor(tx: EngineTransaction, runId: string, clock: Clock) {
    this.#tx = tx;
    this.#runId = runId;
    this.#clock = clock;
  }

  /** The run this view reads and writes. @example state.in(tx, 'run-1').runId // 'run-1' */
  get runId(): string {
    return this.#runId;
  }

  /**
   * Creates the cell at version 1 (or just above its old version if it was deleted before).
   * `ALREADY_EXISTS` if it exists.
   *
   * @example
   * await state.in(tx).init('phase', 'planning'); // 1
   */
  async init(name: string, value: Value): Promise<number> {
    const checked = checkValue(value, 'value');
    const current = await this.#current(name);
    if (current !== undefined) {
      throw new AgentDBError(
        'ALREADY_EXISTS',
        `state cell ${JSON.stringify(name)} of run ${this.#runId} already exists (version ${current.version}); use set or cas to change it`,
      );
    }
    return (await this.#create(name, checked)).version;
  }

  /**
   * The cell's value, version and update time, or `undefined`.
   *
   * @example
   * const s = await state.in(tx).read('phase'); // { value: 'planning', version: 1, updatedAt: … }
   */
  read(name: string): Promise<State | undefined> {
    return readCell(this.#tx, this.#runId, name);
  }

  /**
   * True when the cell exists.
   *
   * @example
   * if (!(await state.in(tx).exists('leader'))) …
   */
  exists(name: string): Promise<boolean> {
    return cellExists(this.#tx, this.#runId, name);
  }

  /**
   * Writes `value` unconditionally: creates the cell (version 1, or above its old version) or bumps
   * its version by one. Returns the new version.
   *
   * @example
   * await state.in(tx).set('phase', 'acting'); // 2
   */
  async set(name: string, value: Value): Promise<number> {
    const checked = checkValue(value, 'value');
    const current = await this.#current(name);
    if (current === undefined) return (await this.#create(name, checked)).version;
    return this.#update(name, current, checked).version;
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
    const checked = checkValue(value, 'value');
    const current = await this.#existing(name);
    if (current.version !== expectedVersion) {
      throw new AgentDBError(
        'VERSION_MISMATCH',
        `state cell ${JSON.stringify(name)} of run ${this.#runId} is at version ${current.version}, not ${expectedVersion}; read it again and retry`,
        { expected: expectedVersion, actual: current.version },
      );
    }
    return this.#update(name, current, checked).version;
  }

  /**
   * Deletes the cell; true if it existed. Its version is remembered, so a re-created cell continues
   * above it and a stale `cas` can never succeed.
   *
   * @example
   * await state.in(tx).delete('lock'); // true
   */
  async delete(name: string): Promise<boolean> {
    const current = await this.#current(name);
    if (current === undefined) return false;
    this.#tx.put(highWaterKey(this.#runId, name), current.version);
    this.#tx.delete(cellKey(this.#runId, name));
    return true;
  }

  /**
   * Names of the run's cells, ascending by Unicode code point.
   *
   * @example
   * await state.in(tx).list(); // ['leader', 'phase']
   */
  list(): Promise<string[]> {
    return listCells(this.#tx, this.#runId);
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
    const current = await this.#existing(name);
    const { value, result } = checkTransitionOutput<T>(fn(Object.freeze({ ...current })));
    const written = this.#update(name, current, value);
    return { result, version: written.version, value: written.value };
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
    const current = await this.#current(name);
    const base = current ?? { value: checkedInitial, version: 0, updatedAt: readClock(this.#clock) };
    // The closure gets a frozen copy: whatever it does, the version written is computed from ours.
    const { value, result } = checkTransitionOutput<T>(fn(Object.freeze({ ...base })));
    const written =
      current === undefined ? await this.#create(name, value) : this.#update(name, current, value);
    return { result, version: written.version, value: written.value };
  }

  #current(name: string): Promise<State | undefined> {
    return readCell(this.#tx, this.#runId, name);
  }

  async #existing(name: string): Promise<State> {
    const current = await this.#current(name);
    if (current === undefined) {
      throw new AgentDBError(
        'NOT_FOUND',
        `state cell ${JSON.stringify(name)} of run ${this.#runId} does not exist`,
      );
    }
    return current;
  }

  /** Creates a missing cell just above its high-water mark (1 for a name never used). */
  async #create(name: string, value: Value): Promise<State> {
    const markKey = highWaterKey(this.#runId, name);
    const mark = parseHighWater(await this.#tx.get(markKey), this.#runId, name);
    // The cell put is the only write that can fail (value size): do it first, so a failure leaves
    // the high-water mark in place.
    const written = this.#put(name, { value, version: mark + 1, updatedAt: readClock(this.#clock) });
    if (mark > 0) this.#tx.delete(markKey);
    return written;
  }

  #update(name: string, current: State, value: Value): State {
    return this.#put(name, { value, version: current.version + 1, updatedAt: readClock(this.#clock) });
  }

  #put(name: string, state: State): State {
    this.#tx.put(cellKey(this.#runId, name), cellRecord(state));
    return state;
  }
}
