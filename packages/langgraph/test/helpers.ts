import { rmSync } from 'node:fs';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB, type DatabaseOptions } from '@agentdb/primitives';
import { AgentDBSaver } from '../src/index.js';

/** A real database in a fresh directory, and how to close and remove it. */
export interface TestDatabase {
  db: AgentDB;
  dir: string;
  dispose(): Promise<void>;
}

/**
 * Opens an AgentDB on a fresh temporary directory (strict durability unless told otherwise).
 *
 * @example
 * const t = await openTestDatabase();
 * try { … } finally { await t.dispose(); }
 */
export async function openTestDatabase(opts: Omit<DatabaseOptions, 'path'> = {}): Promise<TestDatabase> {
  const dir = tempDir('agentdb-langgraph-');
  const db = await AgentDB.open({ path: dir, ...opts });
  return {
    db,
    dir,
    async dispose() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A saver on its own fresh database; `dispose` closes and removes it. */
export async function openTestSaver(): Promise<{ saver: AgentDBSaver } & TestDatabase> {
  const t = await openTestDatabase();
  return { ...t, saver: new AgentDBSaver(t.db) };
}
