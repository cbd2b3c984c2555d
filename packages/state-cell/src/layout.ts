import {
  AgentDBError,
  type EncodedKey,
  Key,
  type KeyRange,
  TypeTag,
  tagRange,
  type Value,
  validateRunId,
} from '@agentdb/core';
import type { State } from './types.js';

/*
 * Storage layout of one run's cells, all under TypeTag.State:
 *
 *   (runId, State, name)          → { value, version, updatedAt }   a live cell
 *   (runId, State, 0, name)       → version                         high-water mark of a deleted cell
 *
 * ordered-binary encodes numbers with control bytes 8–24 and strings from byte 27 up, so every
 * high-water key sorts below every cell key and `list` scans the cell keys alone: its cost is the
 * number of live cells, however many cells were deleted. A name has at most one of the two records:
 * delete turns the cell into its high-water mark, re-creation turns it back.
 */

/** High-water keys carry this number as their first tuple part (no cell name can be a number). */
const HIGH_WATER = 0;
/**
 * The least possible cell name: key strings may not contain U+0000–U+0004, so every name is ≥ U+0005
 * and its key ≥ this one.
 */
const LEAST_NAME = '\u0005';

/** The key of the live cell `name` (validates run id and name: INVALID_ARGUMENT). */
export function cellKey(runId: string, name: string): EncodedKey {
  return Key.state(runId, name);
}

/** The key of the high-water mark that `name` leaves behind when deleted. */
export function highWaterKey(runId: string, name: string): EncodedKey {
  return Key.of(TypeTag.State, runId, HIGH_WATER, name);
}

/** Exactly the live cell keys of `runId`, in name order. */
export function cellsRange(runId: string): KeyRange {
  validateRunId(runId);
  return { start: Key.state(runId, LEAST_NAME), end: tagRange(runId, TypeTag.State).end };
}

/** The record stored for a live cell. */
export function cellRecord(state: State): Value {
  return { value: state.value, version: state.version, updatedAt: state.updatedAt };
}

function isVersion(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;
}

function corruption(runId: string, name: string, what: string): AgentDBError {
  return new AgentDBError(
    'CORRUPTION',
    `state cell ${JSON.stringify(name)} of run ${runId} holds ${what}; something other than StateCell wrote under TypeTag.State`,
  );
}

/** Decodes a stored cell record, refusing anything StateCell could not have written (CORRUPTION). */
export function parseCell(stored: Value, runId: string, name: string): State {
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored) || stored instanceof Date) {
    throw corruption(runId, name, 'a record that is not an object');
  }
  if (stored instanceof Uint8Array) throw corruption(runId, name, 'raw bytes instead of a record');
  const { value, version, updatedAt } = stored;
  if (!('value' in stored) || value === undefined) throw corruption(runId, name, 'a record without a value');
  if (!isVersion(version)) throw corruption(runId, name, 'a record without a valid version');
  if (typeof updatedAt !== 'number' || !Number.isSafeInteger(updatedAt) || updatedAt < 0) {
    throw corruption(runId, name, 'a record without a valid updatedAt');
  }
  return { value, version, updatedAt };
}

/** Decodes a stored high-water mark; a missing one is 0 (the name was never deleted). */
export function parseHighWater(stored: Value | undefined, runId: string, name: string): number {
  if (stored === undefined) return 0;
  if (!isVersion(stored)) throw corruption(runId, name, 'an invalid high-water mark');
  return stored;
}
