import type { DatabaseOptions } from '@agentdb/engine';
import { type ManualClock, manualClock, openTestDatabase, type TestDatabase } from '@agentdb/engine/testing';
import type { PrimitivesSubject } from '../../src/contract/index.js';
import { AgentDB } from '../../src/index.js';

export { rejectionOf } from '../../src/contract/index.js';

/** An AgentDB over a real LMDB directory that a test can close, reopen and dispose. */
export interface AgentFixture {
  /** The current AgentDB (replaced by `reopen`). */
  db: AgentDB;
  /** The database directory. */
  readonly path: string;
  /** The clock every timestamp comes from; it moves only when told to. */
  readonly clock: ManualClock;
  /** Closes and reopens the directory; returns the new AgentDB (also stored in `db`). */
  reopen(): Promise<AgentDB>;
  /** Closes and removes the directory. */
  dispose(): Promise<void>;
}

/**
 * Opens an AgentDB on disk in a fresh temporary directory with a manual clock. Durability defaults to
 * `buffered` (these tests are about semantics; the recovery test opens its own strict database).
 *
 * @example
 * const f = await openAgentFixture();
 * await f.db.kv.put('run-1', 'k', 1);
 * await f.dispose();
 */
export async function openAgentFixture(
  opts: Omit<DatabaseOptions, 'path' | 'clock'> = {},
): Promise<AgentFixture> {
  const clock = manualClock();
  const t: TestDatabase = await openTestDatabase({ durability: 'buffered', ...opts, clock });
  const fixture: AgentFixture = {
    db: new AgentDB(t.db),
    path: t.path,
    clock,
    async reopen() {
      fixture.db = new AgentDB(await t.reopen());
      return fixture.db;
    },
    dispose: () => t.dispose(),
  };
  return fixture;
}

/**
 * The primitives' contract suites on LMDB: a fresh directory per database, `buffered` durability
 * (the suites are about semantics; the recovery test opens its own strict database).
 */
export const lmdbSubject: PrimitivesSubject = {
  async open({ clock }) {
    const t = await openTestDatabase({ durability: 'buffered', clock });
    return {
      db: new AgentDB(t.db),
      reopen: async () => new AgentDB(await t.reopen()),
      dispose: () => t.dispose(),
    };
  },
};
