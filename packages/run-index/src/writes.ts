import { AgentDBError, type EncodedKey, readClock, runRange, type Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import { assertTransition, type CheckedCreateOptions, FINISHED_STATUSES } from './arguments.js';
import { COUNT_KEY, indexKeysOf, indexValue, recordKey, toRecord } from './layout.js';
import { childIds, readIndexedRun, readRun } from './reads.js';
import type { RunMetadata, RunStatus } from './types.js';

/*
 * Every write of the run index, written once against a transaction, with its arguments already
 * checked (arguments.ts). Each change goes through `writeChange`, which writes the record, exactly the
 * index entries that differ and the counter. Timestamps come from the transaction's clock.
 */

/** Tree walks yield to the event loop every this many runs, so other work goes on during them. */
const YIELD_EVERY = 64;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function keyIdOf(key: EncodedKey): string {
  return Buffer.from(key.buffer, key.byteOffset, key.length).toString('latin1');
}

/**
 * Writes the change from `before` to `after` (either may be absent: create / delete): the record,
 * exactly the index entries that differ, and the counter. Returns how many keys were deleted.
 */
function writeChange(
  tx: EngineTransaction,
  before: RunMetadata | undefined,
  after: RunMetadata | undefined,
): number {
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
    // A commit-time mutation never conflicts, so concurrent creates do not contend on the counter; this
    // transaction's count() reads it back with getPending.
    tx.mutate(COUNT_KEY, (n) => ({ value: Number(n ?? 0) + delta, result: null }));
  }
  return deleted;
}

async function existing(tx: EngineTransaction, runId: string): Promise<RunMetadata> {
  const run = await readRun(tx, runId);
  if (run === undefined)
    throw new AgentDBError('NOT_FOUND', `run "${runId}" does not exist in the run index`);
  return run;
}

/**
 * A run may only hang under a parent that exists and is neither itself nor one of its descendants:
 * walks up from `parentId` (reads tracked, so a concurrent re-parenting conflicts) and refuses
 * (`INVALID_ARGUMENT`) if it meets `runId`. A cycle already damaged into the stored tree above the
 * parent ends the walk instead of looping.
 */
async function checkParent(tx: EngineTransaction, runId: string, parentId: string): Promise<void> {
  if (parentId === runId) {
    throw new AgentDBError('INVALID_ARGUMENT', `run "${runId}" cannot be its own parent`);
  }
  const parent = await readRun(tx, parentId);
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
    up = (await readRun(tx, up))?.parentRunId;
  }
}

/** Creates `runId` (status `active`); ALREADY_EXISTS if it exists, NOT_FOUND if its parent does not. */
export async function createRun(
  tx: EngineTransaction,
  runId: string,
  o: CheckedCreateOptions,
): Promise<RunMetadata> {
  if ((await tx.get(recordKey(runId))) !== undefined) {
    throw new AgentDBError('ALREADY_EXISTS', `run "${runId}" already exists`);
  }
  if (o.parentRunId !== undefined && (await tx.get(recordKey(o.parentRunId))) === undefined) {
    throw new AgentDBError('NOT_FOUND', `parent run "${o.parentRunId}" does not exist in the run index`);
  }
  const now = readClock(tx.clock);
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
  writeChange(tx, undefined, run);
  return run;
}

/**
 * Writes `run` exactly as given (status, timestamps and all), as `agentdb import` needs: the record,
 * its index entries and the counter, through the same path as every other change. ALREADY_EXISTS
 * unless `replace`; NOT_FOUND if its parent is not in the index.
 */
export async function restoreRun(
  tx: EngineTransaction,
  run: RunMetadata,
  replace: boolean,
): Promise<RunMetadata> {
  const old = await readRun(tx, run.runId);
  if (old !== undefined && !replace) {
    throw new AgentDBError(
      'ALREADY_EXISTS',
      `run "${run.runId}" already exists; pass { replace: true } to overwrite its record`,
    );
  }
  if (run.parentRunId !== undefined) await checkParent(tx, run.runId, run.parentRunId);
  writeChange(tx, old, run);
  return run;
}

/** Moves `runId` to `status` if the transition table allows it (active → active writes nothing). */
export async function updateStatus(
  tx: EngineTransaction,
  runId: string,
  status: RunStatus,
  error: string | undefined,
): Promise<RunMetadata> {
  const run = await existing(tx, runId);
  if (run.status === 'active' && status === 'active') return run; // the contract's no-op
  assertTransition(runId, run.status, status);
  const now = readClock(tx.clock);
  const next: RunMetadata = { ...run, status, updatedAt: now };
  if (FINISHED_STATUSES.includes(status)) next.completedAt = now;
  if (error !== undefined) next.error = error;
  writeChange(tx, run, next);
  return next;
}

/** Changes the run's record with `change` (tags or metadata); `unchanged` says when nothing is written. */
async function updateRecord(
  tx: EngineTransaction,
  runId: string,
  change: (run: RunMetadata) => Partial<RunMetadata> | undefined,
): Promise<RunMetadata> {
  const run = await existing(tx, runId);
  const fields = change(run);
  if (fields === undefined) return run;
  const next = { ...run, ...fields, updatedAt: readClock(tx.clock) };
  writeChange(tx, run, next);
  return next;
}

/** Adds tags the run does not have yet (writes nothing if it has them all). */
export function addTags(tx: EngineTransaction, runId: string, tags: string[]): Promise<RunMetadata> {
  return updateRecord(tx, runId, (run) => {
    const merged = [...new Set([...run.tags, ...tags])];
    return merged.length === run.tags.length ? undefined : { tags: merged };
  });
}

/** Removes tags (writes nothing if the run has none of them). */
export function removeTags(tx: EngineTransaction, runId: string, tags: string[]): Promise<RunMetadata> {
  return updateRecord(tx, runId, (run) => {
    const drop = new Set(tags);
    const kept = run.tags.filter((t) => !drop.has(t));
    return kept.length === run.tags.length ? undefined : { tags: kept };
  });
}

/** Replaces the run's metadata. */
export function updateMetadata(tx: EngineTransaction, runId: string, metadata: Value): Promise<RunMetadata> {
  return updateRecord(tx, runId, () => ({ metadata }));
}

/**
 * Deletes `runId` (and with `recursive` its descendants): records, index entries and every key under
 * each run's `runRange`, all in this transaction. NOT_FOUND when there is nothing at all to delete.
 */
export async function deleteRun(
  tx: EngineTransaction,
  runId: string,
  recursive: boolean,
): Promise<{ keysDeleted: number }> {
  // A run listed as its own child exists only in a damaged tree; it is not a reason to refuse.
  const children = (await childIds(tx, runId, recursive ? undefined : 2)).filter((id) => id !== runId);
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
      for (const child of i === 0 ? children : await childIds(tx, doomed[i]!)) {
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
    const run = id === runId ? await readRun(tx, id) : await readIndexedRun(tx, id);
    if (run !== undefined) {
      found = true;
      keysDeleted += writeChange(tx, run, undefined);
    }
    // includeExpired: an expired entry the sweeper has not reached yet is still stored under the run.
    for await (const { key } of tx.scan(runRange(id), { includeExpired: true })) {
      tx.delete(key);
      keysDeleted++;
    }
  }
  if (!found && keysDeleted === 0) {
    throw new AgentDBError('NOT_FOUND', `run "${runId}" has no record and no data: nothing to delete`);
  }
  return { keysDeleted };
}
