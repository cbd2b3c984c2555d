import { newId, type Value, validateRunId } from '@agentdb/core';
import { checkDatabase, type Engine, type EngineTransaction } from '@agentdb/engine';
import {
  type CreateRunOptions,
  checkCreateOptions,
  checkDeleteOptions,
  checkMetadata,
  checkQuery,
  checkRestoreOptions,
  checkRunRecord,
  checkStatusUpdate,
  checkTags,
  type DeleteRunOptions,
  type RestoreRunOptions,
  type RunQuery,
  type UpdateStatusOptions,
} from './arguments.js';
import { RunIndexView } from './run-index-view.js';
import { COUNT_KEY, recordKey } from './run-keys.js';
import { fromRecord, type RunMetadata } from './run-metadata.js';
import { RunOperations } from './run-operations.js';
import type { RunStatus } from './run-status.js';

/**
 * First-class run lifecycle: create, pause, resume, complete, fail, cancel, archive, query and
 * cascade-delete runs. A stateless facade over a `Database`; records and indices live in the reserved
 * system namespace, which no user run id can reach. Every change writes the record and its index
 * entries in one transaction; `getRun`, `exists` and `count` are single snapshot reads and the
 * multi-key reads run in a read-only transaction (one consistent snapshot, never a conflict).
 *
 * @example
 * const runs = new RunIndex(db);
 * const run = await runs.createRun({ name: 'triage', tags: ['prod'] });
 * await runs.completeRun(run.runId);
 * await runs.queryRuns({ status: 'completed', tag: 'prod' });
 */
export class RunIndex {
  readonly #db: Engine;

  /** @example const runs = new RunIndex(await Database.open({ path: './agent-data' })); */
  constructor(db: Engine) {
    checkDatabase(db, 'RunIndex');
    this.#db = db;
  }

  /**
   * A view of the run index inside transaction `tx`, bound to `runId` (default: the transaction's run;
   * INVALID_ARGUMENT if neither). Its writes commit atomically with everything else in `tx`.
   *
   * @example
   * await db.transaction(async (tx) => {
   *   tx.put(Key.kv('run-1', 'result'), 42);
   *   await runs.in(tx).completeRun();
   * }, { runId: 'run-1' }); // both or neither
   */
  in(tx: EngineTransaction, runId?: string): RunIndexView {
    return new RunIndexView(tx, runId, this.#db.clock);
  }

  #read<T>(fn: (ops: RunOperations) => Promise<T>): Promise<T> {
    return this.#db.transaction((tx) => fn(new RunOperations(tx, this.#db.clock)));
  }

  /**
   * Creates a run (status `active`, `createdAt = updatedAt =` now). `runId` defaults to a new random
   * id. ALREADY_EXISTS if the id is taken; NOT_FOUND if `parentRunId` does not exist.
   *
   * @example
   * const child = await runs.createRun({ parentRunId: parent.runId, tags: ['subtask'], metadata: { step: 2 } });
   */
  async createRun(opts?: CreateRunOptions): Promise<RunMetadata> {
    const { runId = newId(), ...rest } = checkCreateOptions(opts, true);
    return this.#db.transaction((tx) => this.in(tx, runId).createRun(rest), { runId });
  }

  /**
   * Writes a run record exactly as given (status, timestamps and all), with its index entries — for
   * moving runs between databases. `ALREADY_EXISTS` unless `replace`; `NOT_FOUND` for a missing parent.
   *
   * @example
   * await runs.restoreRun({ runId: 'r1', status: 'completed', createdAt: 1, updatedAt: 2, completedAt: 2, tags: [], metadata: {} });
   */
  async restoreRun(record: RunMetadata, opts?: RestoreRunOptions): Promise<RunMetadata> {
    // Read and checked once here, not again by each attempt of the transaction.
    const run = checkRunRecord(record);
    const checked = checkRestoreOptions(opts);
    return this.#db.transaction((tx) => this.in(tx, run.runId).restoreRun(run, checked), {
      runId: run.runId,
    });
  }

  /**
   * The run's record, or `undefined`.
   *
   * @example
   * const run = await runs.getRun('run-1'); // { runId, status, createdAt, … } | undefined
   */
  async getRun(runId: string): Promise<RunMetadata | undefined> {
    validateRunId(runId);
    const value = await this.#db.get(recordKey(runId));
    return value === undefined ? undefined : fromRecord(runId, value);
  }

  /**
   * Whether the run index knows `runId`.
   *
   * @example
   * if (!(await runs.exists('run-1'))) await runs.createRun({ runId: 'run-1' });
   */
  async exists(runId: string): Promise<boolean> {
    validateRunId(runId);
    return (await this.#db.get(recordKey(runId))) !== undefined;
  }

  /**
   * Every run id, by creation time then id (reads the creation-time index only).
   *
   * @example
   * const ids = await runs.listRuns();
   */
  async listRuns(): Promise<string[]> {
    return this.#read((ops) => ops.listRuns());
  }

  /**
   * How many runs exist: one read of a counter kept in the same commits as the records.
   *
   * @example
   * const n = await runs.count();
   */
  async count(): Promise<number> {
    return Number((await this.#db.get(COUNT_KEY)) ?? 0);
  }

  /**
   * Moves a run to `status`. Allowed: `active → any` (active → active is a no-op that writes nothing),
   * `paused → active | cancelled | archived`, `completed | failed | cancelled → archived`; anything else
   * is INVALID_TRANSITION with `from` and `to`. Entering completed/failed/cancelled sets `completedAt`;
   * `error` may be given only with `failed`. NOT_FOUND if the run does not exist.
   *
   * @example
   * await runs.updateStatus('run-1', 'paused');
   */
  async updateStatus(runId: string, status: RunStatus, opts?: UpdateStatusOptions): Promise<RunMetadata> {
    validateRunId(runId);
    const u = checkStatusUpdate(status, opts);
    const checked = u.error === undefined ? undefined : { error: u.error };
    return this.#db.transaction((tx) => this.in(tx, runId).updateStatus(u.status, checked), { runId });
  }

  /** Marks a run completed (sets `completedAt`). @example await runs.completeRun('run-1'); */
  async completeRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#db.transaction((tx) => this.in(tx, runId).completeRun(), { runId });
  }

  /** Marks a run failed and records `error` (sets `completedAt`). @example await runs.failRun('run-1', 'tool timed out'); */
  async failRun(runId: string, error: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#db.transaction((tx) => this.in(tx, runId).failRun(error), { runId });
  }

  /** Pauses an active run. @example await runs.pauseRun('run-1'); */
  async pauseRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#db.transaction((tx) => this.in(tx, runId).pauseRun(), { runId });
  }

  /** Makes a paused run active again (a no-op on an active run). @example await runs.resumeRun('run-1'); */
  async resumeRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#db.transaction((tx) => this.in(tx, runId).resumeRun(), { runId });
  }

  /** Cancels an active or paused run (sets `completedAt`). @example await runs.cancelRun('run-1'); */
  async cancelRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#db.transaction((tx) => this.in(tx, runId).cancelRun(), { runId });
  }

  /**
   * Archives a run: the soft delete. Archived runs stay readable and queryable; archived is terminal.
   *
   * @example
   * await runs.archiveRun('run-1');
   */
  async archiveRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#db.transaction((tx) => this.in(tx, runId).archiveRun(), { runId });
  }

  /**
   * Adds tags (1–512 UTF-8 bytes each; ones the run already has are ignored) and their index entries.
   *
   * @example
   * await runs.addTags('run-1', ['prod', 'eval']);
   */
  async addTags(runId: string, tags: readonly string[]): Promise<RunMetadata> {
    validateRunId(runId);
    const checked = checkTags(tags);
    return this.#db.transaction((tx) => this.in(tx, runId).addTags(checked), { runId });
  }

  /**
   * Removes tags (ones the run does not have are ignored) and their index entries.
   *
   * @example
   * await runs.removeTags('run-1', ['draft']);
   */
  async removeTags(runId: string, tags: readonly string[]): Promise<RunMetadata> {
    validateRunId(runId);
    const checked = checkTags(tags);
    return this.#db.transaction((tx) => this.in(tx, runId).removeTags(checked), { runId });
  }

  /**
   * Replaces a run's metadata with `metadata` (any Value; INVALID_VALUE otherwise).
   *
   * @example
   * await runs.updateMetadata('run-1', { model: 'gpt-x', budget: 10 });
   */
  async updateMetadata(runId: string, metadata: Value): Promise<RunMetadata> {
    validateRunId(runId);
    const checked = checkMetadata(metadata);
    return this.#db.transaction((tx) => this.in(tx, runId).updateMetadata(checked), { runId });
  }

  /**
   * Runs matching every given filter, ordered by (createdAt, runId). Filters are intersected through
   * their indices, so the cost follows the most selective filter, not the number of runs. Page with
   * `limit` and `after: lastRunOfPreviousPage`.
   *
   * @example
   * const page1 = await runs.queryRuns({ status: 'active', tag: 'prod', limit: 50 });
   * const page2 = await runs.queryRuns({ status: 'active', tag: 'prod', limit: 50, after: page1.at(-1) });
   */
  async queryRuns(q: RunQuery = {}): Promise<RunMetadata[]> {
    const checked = checkQuery(q);
    return this.#read((ops) => ops.query(checked));
  }

  /**
   * The direct children of `parentRunId`, by creation time then id (empty if it has none or does not
   * exist).
   *
   * @example
   * const subtasks = await runs.getChildRuns('run-1');
   */
  async getChildRuns(parentRunId: string): Promise<RunMetadata[]> {
    validateRunId(parentRunId);
    return this.#read((ops) => ops.query({ parentRunId }));
  }

  /**
   * Deletes, in one transaction, the run's record and index entries and every key stored under the run
   * by any TypeTag (extensions included); with `recursive`, all its descendants too. A run with
   * children is refused without `recursive` (INVALID_ARGUMENT). Also purges the data of a run id that
   * has data but no record; NOT_FOUND only when there is nothing at all to delete. Returns how many keys
   * were deleted (data keys + records + index entries).
   *
   * @example
   * const { keysDeleted } = await runs.deleteRun('run-1', { recursive: true });
   */
  async deleteRun(runId: string, opts?: DeleteRunOptions): Promise<{ keysDeleted: number }> {
    validateRunId(runId);
    const checked = checkDeleteOptions(opts);
    return this.#db.transaction((tx) => this.in(tx, runId).deleteRun(checked), { runId });
  }
}
