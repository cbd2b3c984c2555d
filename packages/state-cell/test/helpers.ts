import { type ErrorCode, isAgentDBError, runRange } from '@agentdb/core';
import type { Database, DatabaseOptions } from '@agentdb/engine';
import { dumpStore, openTestDatabase, type StoreDump, type TestDatabase } from '@agentdb/engine/testing';
import { expect } from 'vitest';
import { StateCell } from '../src/index.js';

/** A real on-disk database with a StateCell facade over it. */
export interface CellFixture {
  t: TestDatabase;
  db: Database;
  state: StateCell;
}

/** Opens a fresh database (strict durability unless overridden) and a StateCell on it. */
export async function openCells(opts: Omit<DatabaseOptions, 'path'> = {}): Promise<CellFixture> {
  const t = await openTestDatabase(opts);
  return { t, db: t.db, state: new StateCell(t.db) };
}

/** Awaits `p`, expecting an AgentDBError with `code`; returns the error for further checks. */
export async function rejectsWith(p: Promise<unknown>, code: ErrorCode): Promise<Error> {
  try {
    await p;
  } catch (e) {
    if (!isAgentDBError(e, code)) throw new Error(`expected ${code}, got ${String(e)}`);
    return e;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

/** Every stored entry of the given runs (key bytes in hex, value, version) plus the commit counter. */
export function storeContents(db: Database, runIds: string[]): Promise<StoreDump> {
  return dumpStore(db, runIds.map(runRange));
}

/** Settles all promises and splits them into fulfilled values and rejection reasons. */
export async function settle<T>(ps: Promise<T>[]): Promise<{ ok: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(ps);
  return {
    ok: results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : [])),
    errors: results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : [])),
  };
}

/** A pure increment closure for numeric cells. */
export const increment = (s: { value: unknown }) => ({
  value: (s.value as number) + 1,
  result: s.value as number,
});

export { expect };
