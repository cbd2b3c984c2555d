import { AgentDB, Database, invalidArgument } from '@agentdb/primitives';

/**
 * The `AgentDB` a saver or store works on: the one given, or a bundle around a bare engine (`AgentDB`
 * facades hold only the engine, so this costs nothing and shares everything).
 */
export function agentDBOf(db: unknown, who: string): AgentDB {
  if (db instanceof AgentDB) return db;
  if (db instanceof Database) return new AgentDB(db);
  throw invalidArgument(
    `${who} needs an open AgentDB (or its engine): new ${who}(await AgentDB.open({ path }))`,
  );
}
