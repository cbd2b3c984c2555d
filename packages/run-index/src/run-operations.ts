import { AgentDBError, type Clock, type EncodedKey, readClock, runRange, type Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import { type CreateRunOptions, checkQuery, type RunQuery } from './arguments.js';
import { listRunIdsIn, queryRunsIn, readIndexedRun } from './query-runs.js';
import { COUNT_KEY, indexKeysOf, indexRange, indexValue, positionOf, recordKey } from './run-keys.js';
import { fromRecord, type RunMetadata, toRecord } from './run-metadata.js';
import { assertTransition, FINISHED_STATUSES, type RunStatus } from './run-status.js';

/** Tree walks yield to the event loop every this many runs, so other work goes on during them. */
const YIELD_EVERY = 64;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function keyIdOf(key: EncodedKey): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}

/**
 * Every run-index operation, on one transaction, with run ids explicit. The facade and the bound
 * transaction view both delegate here, so each rule is written once. Arguments arrive checked.
 */
export class RunOperations {
  readonly #tx: EngineTransaction;
  readonly #clock: Clock;

  constructor(tx: EngineTransaction, clock: Clock) {
    this.#tx = tx;
    this.#clock = clock;
  }

  async get(runId: string): Promise<RunMetadata | undefined> {
    const value = await this.#tx.get(recordKey(runId));
    return value === undefined ? undefined : fromRecord(runId, value);
  }

  async #require(runId: string): Promise<RunMetadata> {
    const run = await this.get(runId);
    if (run === undefined)
      throw new AgentDBError('NOT_FOUND', `run "${runId}" does not exist in the run index`);
    return run;
  }

  /**
   * Writes `run` exactly as given (status, timestamps and all), as `agentdb import` needs: the record,
   * its index entries and the counter, through the same path as every other change. ALREADY_EXISTS
   * unless `replace`; NOT_FOUND if its parent is not in the index.
   */
  async restore(run: RunMetadata, replace: boolean): Promise<RunMetadata> {
    const old = await this.get(run.runId);
    if (old !== undefined && !replace) {
      throw new AgentDBError(
        'ALREADY_EXISTS',
        `run "${run.runId}" already exists; pass { replace: true } to overwrite its record`,
      );
    }
    if (run.parentRunId !== undefined) await this.#checkParent(run.runId, run.parentRunId);
    this.#write(old, run);
    return run;
  }

  /**
   * A run may only hang under a parent that exists and is neither itself nor one of its descendants:
   * walks up from `parentId` (reads tracked, so a concurrent re-parenting conflicts) and refuses
   * (`INVALID_ARGUMENT`) if it meets `runId`. A cycle already damaged into the stored tree above the
   * parent ends the walk instead of looping.
   */
  async #checkParent(runId: string, parentId: string): Promise<void> {
    if (parentId === runId) {
      throw new AgentDBError('INVALID_ARGUMENT', `run "${runId}" cannot be its own parent`);
    }
    const parent = await this.get(parentId);
    if (parent === undefined) {
      throw new AgentDBError('NOT_FOUND', `parent run "${parentId}" does not exist in the run index`);
    }
    const seen = new Set<string>([parentId]);
    for (let up = parent.parentRunId; up !== undefined && !seen.has(up); ) {
      if (up === runId) {
        throw new AgentDBError(
          'INVALID_ARGUMENT',
          `run "${parentId}" is a descendant of "${runId}", so it cannot be its parent: the run tree would have a cycle`,
        );
      }
      seen.add(up);
      if (seen.size % YIELD_EVERY === 0) await yieldToEventLoop();
      up = (await this.get(up))?.parentRunId;
    }
  }

  /**
   * Writes the change from `before` to `after` (either may be absent: create / delete): the record,
   * exactly the index entries that differ, and the counter. Returns how many keys were deleted.
   */
  #write(before: RunMetadata | undefined, after: RunMetadata | undefined): number {
    const tx = this.#tx;
    const runId = (after ?? before)!.runId;
    const old = new Map((before === undefined ? [] : indexKeysOf(before)).map((k) => [keyIdOf(k), k]));
    const next = new Map((after === undefined ? [] : indexKeysOf(after)).map((k) => [keyIdOf(k), k]));
    let deleted = 0;
    for (const [id, key] of old) {
      if (next.has(id)) continue;
      tx.delete(key);
      deleted++;
    }
    if (after !== undefined) {
      const position = indexValue(after);
      for (const [id, key] of next) if (!old.has(id)) tx.put(key, position);
    }
    if (after === undefined) {
      tx.delete(recordKey(runId));
      deleted++;
    } else {
      tx.put(recordKey(runId), toRecord(after));
    }
    const delta = before === undefined ? 1 : after === undefined ? -1 : 0;
    if (delta !== 0) {
      // A commit-time mutation never conflicts, so concurrent creates do not contend on the counter.
      tx.mutate(COUNT_KEY, (n) => ({ value: Number(n ?? 0) + delta, result: null }));
    }
    return deleted;
  }

  async create(
    runId: string,
    o: CreateRunOptions & { tags: string[]; metadata: Value },
  ): Promise<RunMetadata> {
    if ((await this.#tx.get(recordKey(runId))) !== undefined) {
      throw new AgentDBError('ALREADY_EXISTS', `run "${runId}" already exists`);
    }
    if (o.parentRunId !== undefined && (await this.#tx.get(recordKey(o.parentRunId))) === undefined) {
      throw new AgentDBError('NOT_FOUND', `parent run "${o.parentRunId}" does not exist in the run index`);
    }
    const now = readClock(this.#clock);
    const run: RunMetadata = {
      runId,
      status: 'active',
      createdAt: now,
      updatedAt: now,
      tags: o.tags,
      metadata: o.metadata,
    };
    if (o.name !== undefined) run.name = o.name;
    if (o.parentRunId !== undefined) run.parentRunId = o.parentRunId;
    this.#write(undefined, run);
    return run;
  }

  async updateStatus(runId: string, status: RunStatus, error: string | undefined): Promise<RunMetadata> {
    const run = await this.#require(runId);
    if (run.status === 'active' && status === 'active') return run; // the contract's no-op
    assertTransition(runId, run.status, status);
    const now = readClock(this.#clock);
    const next: RunMetadata = { ...run, status, updatedAt: now };
    if (FINISHED_STATUSES.includes(status)) next.completedAt = now;
    if (error !== undefined) next.error = error;
    this.#write(run, next);
    return next;
  }

  async addTags(runId: string, tags: string[]): Promise<RunMetadata> {
    const run = await this.#require(runId);
    const merged = [...new Set([...run.tags, ...tags])];
    if (merged.length === run.tags.length) return run;
    const next = { ...run, tags: merged, updatedAt: readClock(this.#clock) };
    this.#write(run, next);
    return next;
  }

  async removeTags(runId: string, tags: string[]): Promise<RunMetadata> {
    const run = await this.#require(runId);
    const drop = new Set(tags);
    const kept = run.tags.filter((t) => !drop.has(t));
    if (kept.length === run.tags.length) return run;
    const next = { ...run, tags: kept, updatedAt: readClock(this.#clock) };
    this.#write(run, next);
    return next;
  }

  async updateMetadata(runId: string, metadata: Value): Promise<RunMetadata> {
    const run = await this.#require(runId);
    const next = { ...run, metadata, updatedAt: readClock(this.#clock) };
    this.#write(run, next);
    return next;
  }

  query(q: RunQuery): Promise<RunMetadata[]> {
    return queryRunsIn(this.#tx, checkQuery(q));
  }

  listRuns(): Promise<string[]> {
    return listRunIdsIn(this.#tx);
  }

  /** Inside a transaction this counts its own creates and deletes (the engine previews pending increments). */
  async count(): Promise<number> {
    return Number((await this.#tx.getPending(COUNT_KEY)) ?? 0);
  }

  async #childIds(runId: string, limit?: number): Promise<string[]> {
    const ids: string[] = [];
    const opts = limit === undefined ? undefined : { limit };
    for await (const { value } of this.#tx.scan(indexRange(['parent', runId]), opts)) {
      ids.push(positionOf(value).runId);
    }
    return ids;
  }

  /**
   * Deletes `runId` (and with `recursive` its descendants): records, index entries and every key under
   * each run's `runRange`, all in this transaction. NOT_FOUND when there is nothing at all to delete.
   */
  async delete(runId: string, recursive: boolean): Promise<{ keysDeleted: number }> {
    // A run listed as its own child exists only in a damaged tree; it is not a reason to refuse.
    const children = (await this.#childIds(runId, recursive ? undefined : 2)).filter((id) => id !== runId);
    if (children.length > 0 && !recursive) {
      throw new AgentDBError(
        'INVALID_ARGUMENT',
        `run "${runId}" has child runs (e.g. "${children[0]}"): delete them first or pass { recursive: true }`,
      );
    }
    // Breadth-first over the parent index. restoreRun refuses cycles, but a tree damaged on disk may
    // still hold one: the visited set ends the walk, and it yields to the event loop as it goes, so
    // even a huge or damaged tree cannot hang the process.
    const doomed = [runId];
    const seen = new Set(doomed);
    if (recursive) {
      for (let i = 0; i < doomed.length; i++) {
        for (const child of i === 0 ? children : await this.#childIds(doomed[i]!)) {
          if (seen.has(child)) continue;
          seen.add(child);
          doomed.push(child);
        }
        if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
      }
    }
    let keysDeleted = 0;
    let found = false;
    for (const id of doomed) {
      const run = id === runId ? await this.get(id) : await readIndexedRun(this.#tx, id);
      if (run !== undefined) {
        found = true;
        keysDeleted += this.#write(run, undefined);
      }
      // includeExpired: an expired entry the sweeper has not reached yet is still stored under the run.
      for await (const { key } of this.#tx.scan(runRange(id), { includeExpired: true })) {
        this.#tx.delete(key);
        keysDeleted++;
      }
    }
    if (!found && keysDeleted === 0) {
      throw new AgentDBError('NOT_FOUND', `run "${runId}" has no record and no data: nothing to delete`);
    }
    return { keysDeleted };
  }
}
