import { newId, type Value, validateRunId } from '@agentdb/core';
import { bindView, checkDatabase, type Engine, type EngineTransaction } from '@agentdb/engine';
import {
  checkCreateOptions,
  checkDeleteOptions,
  checkError,
  checkMetadata,
  checkQuery,
  checkRestoreOptions,
  checkRunRecord,
  checkStatusUpdate,
  checkTags,
} from './arguments.js';
import { countRuns, listRunIds, queryRuns, readRun } from './reads.js';
import { RunIndexView } from './run-index-view.js';
import type {
  CreateRunOptions,
  DeleteRunOptions,
  RestoreRunOptions,
  RunMetadata,
  RunQuery,
  RunStatus,
  UpdateStatusOptions,
} from './types.js';
import {
  addTags,
  createRun,
  deleteRun,
  removeTags,
  restoreRun,
  updateMetadata,
  updateStatus,
} from './writes.js';

/**
 * First-class run lifecycle: create, pause, resume, complete, fail, cancel, archive, query and
 * cascade-delete runs. A stateless facade over an engine; records and indices live in the reserved
 * system namespace, which no user run id can reach. Every change checks its arguments once, then
 * writes the record and its index entries in one transaction; `getRun`, `exists` and `count` are
 * single snapshot reads and the multi-key reads run in a read-only transaction (one consistent
 * snapshot, never a conflict).
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
    const bound = bindView(tx, runId, 'runs');
    return new RunIndexView(bound.tx, bound.runId);
  }

  /** One transaction bound to `runId`, for a change of that run. */
  #write<T>(runId: string, fn: (tx: EngineTransaction) => Promise<T>): Promise<T> {
    return this.#db.transaction(fn, { runId });
  }

  /** A read-only transaction: several scans on one snapshot, never a conflict. */
  #read<T>(fn: (tx: EngineTransaction) => Promise<T>): Promise<T> {
    return this.#db.transaction(fn);
  }

  /** A status change of `runId` (checked), in one transaction. */
  #status(runId: string, status: RunStatus, error: string | undefined): Promise<RunMetadata> {
    return this.#write(runId, (tx) => updateStatus(tx, runId, status, error));
  }

  /**
   * Creates a run (status `active`, `createdAt = updatedAt =` now). `runId` defaults to a new random
   * id. ALREADY_EXISTS if the id is taken; NOT_FOUND if `parentRunId` does not exist.
   *
   * @example
   * const child = await runs.createRun({ parentRunId: 'run-1', tags: ['subtask'], metadata: { step: 2 } });
   */
  async createRun(opts?: CreateRunOptions): Promise<RunMetadata> {
    const { runId = newId(), ...rest } = checkCreateOptions(opts, true);
    return this.#write(runId, (tx) => createRun(tx, runId, rest));
  }

  /**
   * Writes a run record exactly as given (status, timestamps and all), with its index entries — for
   * moving runs between databases. `ALREADY_EXISTS` unless `replace`; `NOT_FOUND` for a missing parent.
   *
   * @example
   * await runs.restoreRun({ runId: 'r1', status: 'completed', createdAt: 1, updatedAt: 2, completedAt: 2, tags: [], metadata: {} });
   */
  async restoreRun(record: RunMetadata, opts?: RestoreRunOptions): Promise<RunMetadata> {
    const run = checkRunRecord(record);
    const { replace } = checkRestoreOptions(opts);
    return this.#write(run.runId, (tx) => restoreRun(tx, run, replace));
  }

  /**
   * The run's record, or `undefined`.
   *
   * @example
   * const run = await runs.getRun('run-1'); // { runId, status, createdAt, … } | undefined
   */
  async getRun(runId: string): Promise<RunMetadata | undefined> {
    validateRunId(runId);
    return readRun(this.#db, runId);
  }

  /**
   * Whether the run index knows `runId`.
   *
   * @example
   * if (!(await runs.exists('run-2'))) await runs.createRun({ runId: 'run-2' });
   */
  async exists(runId: string): Promise<boolean> {
    validateRunId(runId);
    return (await readRun(this.#db, runId)) !== undefined;
  }

  /**
   * Every run id, by creation time then id (reads the creation-time index only).
   *
   * @example
   * const ids = await runs.listRuns();
   */
  async listRuns(): Promise<string[]> {
    return this.#read((tx) => listRunIds(tx));
  }

  /**
   * How many runs exist: one read of a counter kept in the same commits as the records.
   *
   * @example
   * const n = await runs.count();
   */
  async count(): Promise<number> {
    return countRuns(this.#db);
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
    return this.#status(runId, u.status, u.error);
  }

  /** Marks a run completed (sets `completedAt`). @example await runs.completeRun('run-1'); */
  async completeRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#status(runId, 'completed', undefined);
  }

  /** Marks a run failed and records `error` (sets `completedAt`). @example await runs.failRun('run-1', 'tool timed out'); */
  async failRun(runId: string, error: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#status(runId, 'failed', checkError(error));
  }

  /** Pauses an active run. @example await runs.pauseRun('run-1'); */
  async pauseRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#status(runId, 'paused', undefined);
  }

  /** Makes a paused run active again (a no-op on an active run). @example await runs.resumeRun('run-1'); */
  async resumeRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#status(runId, 'active', undefined);
  }

  /** Cancels an active or paused run (sets `completedAt`). @example await runs.cancelRun('run-1'); */
  async cancelRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#status(runId, 'cancelled', undefined);
  }

  /**
   * Archives a run: the soft delete. Archived runs stay readable and queryable; archived is terminal.
   *
   * @example
   * await runs.archiveRun('run-1');
   */
  async archiveRun(runId: string): Promise<RunMetadata> {
    validateRunId(runId);
    return this.#status(runId, 'archived', undefined);
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
    return this.#write(runId, (tx) => addTags(tx, runId, checked));
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
    return this.#write(runId, (tx) => removeTags(tx, runId, checked));
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
    return this.#write(runId, (tx) => updateMetadata(tx, runId, checked));
  }

  /**
   * Runs matching every given filter, ordered by (createdAt, runId). Filters are intersected through
   * their indices, so the cost follows the most selective filter, not the number of runs. Page with
   * `limit` and `after: lastRunOfPreviousPage`.
   *
   * @example
   * const page1 = await runs.queryRuns({ status: 'active', tag: 'prod', limit: 50 });
   * const page2 = await runs.queryRuns({ status: 'active', tag: 'prod', limit: 50, after: page1.at(-1)! });
   */
  async queryRuns(q: RunQuery = {}): Promise<RunMetadata[]> {
    const checked = checkQuery(q);
    return this.#read((tx) => queryRuns(tx, checked));
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
    return this.#read((tx) => queryRuns(tx, { parentRunId }));
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
    const { recursive } = checkDeleteOptions(opts);
    return this.#write(runId, (tx) => deleteRun(tx, runId, recursive));
  }
}
