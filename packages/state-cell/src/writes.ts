import { AgentDBError, readClock, type Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import { checkTransitionOutput } from './arguments.js';
import { cellKey, cellRecord, highWaterKey, parseHighWater } from './layout.js';
import { readCell } from './reads.js';
import type { State, TransitionFn, TransitionOutcome } from './types.js';

/*
 * Every write of the state cells, written once against a transaction, with its arguments already
 * checked (arguments.ts). Each one makes every fallible step before it buffers a write, so a write
 * that throws leaves nothing behind even if the caller catches the error and commits. Timestamps come
 * from the transaction's clock.
 */

/** Creates the cell at version 1 (or just above its old version); `ALREADY_EXISTS` if it exists. */
export async function initCell(
  tx: EngineTransaction,
  runId: string,
  name: string,
  value: Value,
): Promise<number> {
  const current = await readCell(tx, runId, name);
  if (current !== undefined) {
    throw new AgentDBError(
      'ALREADY_EXISTS',
      `state cell ${JSON.stringify(name)} of run ${runId} already exists (version ${current.version}); use set or cas to change it`,
    );
  }
  return (await create(tx, runId, name, value)).version;
}

/** Creates the cell or bumps its version by one; returns the new version. */
export async function setCell(
  tx: EngineTransaction,
  runId: string,
  name: string,
  value: Value,
): Promise<number> {
  const current = await readCell(tx, runId, name);
  if (current === undefined) return (await create(tx, runId, name, value)).version;
  return update(tx, runId, name, current, value).version;
}

/** Writes only at `expectedVersion` (`VERSION_MISMATCH` otherwise, `NOT_FOUND` if missing). */
export async function casCell(
  tx: EngineTransaction,
  runId: string,
  name: string,
  expectedVersion: number,
  value: Value,
): Promise<number> {
  const current = await existing(tx, runId, name);
  if (current.version !== expectedVersion) {
    throw new AgentDBError(
      'VERSION_MISMATCH',
      `state cell ${JSON.stringify(name)} of run ${runId} is at version ${current.version}, not ${expectedVersion}; read it again and retry`,
      { expected: expectedVersion, actual: current.version },
    );
  }
  return update(tx, runId, name, current, value).version;
}

/** Deletes the cell, leaving its version as a high-water mark; true if it existed. */
export async function deleteCell(tx: EngineTransaction, runId: string, name: string): Promise<boolean> {
  const current = await readCell(tx, runId, name);
  if (current === undefined) return false;
  tx.put(highWaterKey(runId, name), current.version);
  tx.delete(cellKey(runId, name));
  return true;
}

/** Applies the pure closure `fn` to the current state (`NOT_FOUND` if missing) and writes its value. */
export async function transitionCell<T>(
  tx: EngineTransaction,
  runId: string,
  name: string,
  fn: TransitionFn<T>,
): Promise<TransitionOutcome<T>> {
  const current = await existing(tx, runId, name);
  // The closure gets a frozen copy: whatever it does, the version written is computed from ours.
  const { value, result } = checkTransitionOutput<T>(fn(Object.freeze({ ...current })));
  const written = update(tx, runId, name, current, value);
  return { result, version: written.version, value: written.value };
}

/** `transitionCell`, creating a missing cell from `fn({ value: initial, version: 0, updatedAt: now })`. */
export async function transitionOrInitCell<T>(
  tx: EngineTransaction,
  runId: string,
  name: string,
  initial: Value,
  fn: TransitionFn<T>,
): Promise<TransitionOutcome<T>> {
  const current = await readCell(tx, runId, name);
  const base = current ?? { value: initial, version: 0, updatedAt: readClock(tx.clock) };
  const { value, result } = checkTransitionOutput<T>(fn(Object.freeze({ ...base })));
  const written =
    current === undefined ? await create(tx, runId, name, value) : update(tx, runId, name, current, value);
  return { result, version: written.version, value: written.value };
}

async function existing(tx: EngineTransaction, runId: string, name: string): Promise<State> {
  const current = await readCell(tx, runId, name);
  if (current === undefined) {
    throw new AgentDBError('NOT_FOUND', `state cell ${JSON.stringify(name)} of run ${runId} does not exist`);
  }
  return current;
}

/** Creates a missing cell just above its high-water mark (1 for a name never used). */
async function create(tx: EngineTransaction, runId: string, name: string, value: Value): Promise<State> {
  const markKey = highWaterKey(runId, name);
  const mark = parseHighWater(await tx.get(markKey), runId, name);
  // The cell put is the only write that can fail (value size): do it first, so a failure leaves the
  // high-water mark in place.
  const written = put(tx, runId, name, { value, version: mark + 1, updatedAt: readClock(tx.clock) });
  if (mark > 0) tx.delete(markKey);
  return written;
}

function update(tx: EngineTransaction, runId: string, name: string, current: State, value: Value): State {
  return put(tx, runId, name, { value, version: current.version + 1, updatedAt: readClock(tx.clock) });
}

function put(tx: EngineTransaction, runId: string, name: string, state: State): State {
  tx.put(cellKey(runId, name), cellRecord(state));
  return state;
}
