import type { Clock } from '@agentdb/core';
import { type ManualClock, manualClock } from '@agentdb/engine/testing';
import type { AgentDB } from '../agent-db.js';

/**
 * How the primitives' suites get a database: a fresh, empty one on the given clock, over any engine
 * of the contract. `reopen` closes it and opens the same storage again (a directory, a schema).
 */
export interface PrimitivesSubject {
  open(opts: { clock: Clock }): Promise<OpenedAgentDB>;
}

/** A database a suite opened through its subject. */
export interface OpenedAgentDB {
  db: AgentDB;
  /** Closes and opens the same storage again; returns the new AgentDB. */
  reopen(): Promise<AgentDB>;
  /** Closes and removes the storage. */
  dispose(): Promise<void>;
}

/** An AgentDB that a test can close, reopen and dispose, on a clock that moves only when told. */
export interface AgentFixture {
  /** The current AgentDB (replaced by `reopen`). */
  db: AgentDB;
  /** The clock every timestamp comes from. */
  readonly clock: ManualClock;
  /** Closes and reopens the storage; returns the new AgentDB (also stored in `db`). */
  reopen(): Promise<AgentDB>;
  /** Closes and removes the storage. */
  dispose(): Promise<void>;
}

/**
 * Opens a fixture through `subject`, with a manual clock.
 *
 * @example
 * const f = await openFixture(subject);
 * await f.db.kv.put('run-1', 'k', 1);
 * await f.dispose();
 */
export async function openFixture(subject: PrimitivesSubject): Promise<AgentFixture> {
  const clock = manualClock();
  const opened = await subject.open({ clock });
  const fixture: AgentFixture = {
    db: opened.db,
    clock,
    async reopen() {
      fixture.db = await opened.reopen();
      return fixture.db;
    },
    dispose: () => opened.dispose(),
  };
  return fixture;
}

/**
 * The error `p` rejects with, or `undefined` if it resolves.
 *
 * @example
 * expect(await rejectionOf(db.state.cas(run, 'x', 9, 1))).toMatchObject({ code: 'VERSION_MISMATCH' });
 */
export function rejectionOf(p: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );
}
