import { invalidArgument, type Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
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
 * The run index inside one transaction, bound to one run: the `RunIndex` methods minus `runId`
 * (`createRun` creates the bound run; `getChildRuns` lists its children). The index-wide methods
 * (`listRuns`, `count`, `queryRuns`) are here too. Reads see the transaction's snapshot plus its own
 * writes; everything commits (or not) with the transaction. Valid only while its function runs.
 */
export class RunIndexView {
  /** The run this view is bound to. */
  readonly runId: string;
  readonly #tx: EngineTransaction;

  /** @internal Use `runs.in(tx, runId?)`: a checked transaction and run id. */
  constructor(tx: EngineTransaction, runId: string) {
    this.#tx = tx;
    this.runId = runId;
  }

  /**
   * Creates the bound run (status `active`). ALREADY_EXISTS if it exists; NOT_FOUND if `parentRunId`
   * does not.
   *
   * @example
   * await db.transaction((tx) => runs.in(tx).createRun({ tags: ['eval'] }), { runId: 'run-2' });
   */
  async createRun(opts?: Omit<CreateRunOptions, 'runId'>): Promise<RunMetadata> {
    return createRun(this.#tx, this.runId, checkCreateOptions(opts, false));
  }

  /**
   * Writes the bound run's record exactly as given — status, timestamps, tags and all — with its index
   * entries (moving data between databases: `agentdb import`). `ALREADY_EXISTS` unless `replace`;
   * `NOT_FOUND` if its parent is missing; `INVALID_ARGUMENT` for a malformed record or one of another run.
   *
   * @example
   * const record = (await runs.getRun('run-1'))!;
   * await db.transaction((tx) => runs.in(tx).restoreRun(record, { replace: true }), { runId: record.runId });
   */
  async restoreRun(record: RunMetadata, opts?: RestoreRunOptions): Promise<RunMetadata> {
    const run = checkRunRecord(record);
    if (run.runId !== this.runId)
      throw invalidArgument(`the record is of run "${run.runId}", this view is bound to "${this.runId}"`);
    return restoreRun(this.#tx, run, checkRestoreOptions(opts).replace);
  }

  /** The bound run's record, or `undefined`. @example const run = await runs.in(tx).getRun(); */
  async getRun(): Promise<RunMetadata | undefined> {
    return readRun(this.#tx, this.runId);
  }

  /** Whether the bound run has a record. @example if (!(await runs.in(tx).exists())) await runs.in(tx).createRun(); */
  async exists(): Promise<boolean> {
    return (await readRun(this.#tx, this.runId)) !== undefined;
  }

  /** Every run id, by creation time then id. @example const ids = await runs.in(tx).listRuns(); */
  async listRuns(): Promise<string[]> {
    return listRunIds(this.#tx);
  }

  /** How many runs exist, including this transaction's creates and deletes. @example await runs.in(tx).count() */
  async count(): Promise<number> {
    return countRuns(this.#tx);
  }

  /**
   * Moves the bound run to `status` (INVALID_TRANSITION with `from`/`to` if the table forbids it).
   *
   * @example
   * await runs.in(tx).updateStatus('failed', { error: 'tool timed out' });
   */
  async updateStatus(status: RunStatus, opts?: UpdateStatusOptions): Promise<RunMetadata> {
    const u = checkStatusUpdate(status, opts);
    return updateStatus(this.#tx, this.runId, u.status, u.error);
  }

  /** `updateStatus('completed')`. @example await runs.in(tx).completeRun(); */
  async completeRun(): Promise<RunMetadata> {
    return updateStatus(this.#tx, this.runId, 'completed', undefined);
  }

  /** `updateStatus('failed', { error })`. @example await runs.in(tx).failRun('rate limited'); */
  async failRun(error: string): Promise<RunMetadata> {
    return updateStatus(this.#tx, this.runId, 'failed', checkError(error));
  }

  /** `updateStatus('paused')`. @example await runs.in(tx).pauseRun(); */
  async pauseRun(): Promise<RunMetadata> {
    return updateStatus(this.#tx, this.runId, 'paused', undefined);
  }

  /** `updateStatus('active')`. @example await runs.in(tx).resumeRun(); */
  async resumeRun(): Promise<RunMetadata> {
    return updateStatus(this.#tx, this.runId, 'active', undefined);
  }

  /** `updateStatus('cancelled')`. @example await runs.in(tx).cancelRun(); */
  async cancelRun(): Promise<RunMetadata> {
    return updateStatus(this.#tx, this.runId, 'cancelled', undefined);
  }

  /** `updateStatus('archived')`: the soft delete. @example await runs.in(tx).archiveRun(); */
  async archiveRun(): Promise<RunMetadata> {
    return updateStatus(this.#tx, this.runId, 'archived', undefined);
  }

  /** Adds tags (existing ones are ignored). @example await runs.in(tx).addTags(['prod']); */
  async addTags(tags: readonly string[]): Promise<RunMetadata> {
    return addTags(this.#tx, this.runId, checkTags(tags));
  }

  /** Removes tags (absent ones are ignored). @example await runs.in(tx).removeTags(['draft']); */
  async removeTags(tags: readonly string[]): Promise<RunMetadata> {
    return removeTags(this.#tx, this.runId, checkTags(tags));
  }

  /** Replaces the metadata. @example await runs.in(tx).updateMetadata({ model: 'x' }); */
  async updateMetadata(metadata: Value): Promise<RunMetadata> {
    return updateMetadata(this.#tx, this.runId, checkMetadata(metadata));
  }

  /** Runs matching every filter, by creation time then id. @example await runs.in(tx).queryRuns({ tag: 'eval' }) */
  async queryRuns(q: RunQuery = {}): Promise<RunMetadata[]> {
    return queryRuns(this.#tx, checkQuery(q));
  }

  /** The bound run's children, by creation time then id. @example await runs.in(tx).getChildRuns() */
  async getChildRuns(): Promise<RunMetadata[]> {
    return queryRuns(this.#tx, { parentRunId: this.runId });
  }

  /**
   * Deletes the bound run — record, index entries and all its data under every TypeTag — and, with
   * `recursive`, its descendants, as part of this transaction.
   *
   * @example
   * const { keysDeleted } = await runs.in(tx).deleteRun({ recursive: true });
   */
  async deleteRun(opts?: DeleteRunOptions): Promise<{ keysDeleted: number }> {
    return deleteRun(this.#tx, this.runId, checkDeleteOptions(opts).recursive);
  }
}
