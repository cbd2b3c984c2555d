import { AgentDB, invalidArgument, isEngine } from '@agentdb/primitives';

/**
 * The `AgentDB` a saver or store works on: the one given, or a bundle around a bare engine (any engine
 * of the contract: LMDB, Postgres). `AgentDB` facades hold only the engine, so this costs nothing and
 * shares everything; an `AgentDB` from another copy of the package is re-wrapped around its engine.
 */
export function agentDBOf(db: unknown, who: string): AgentDB {
  if (db instanceof AgentDB) return db;
  if (isEngine(db)) return new AgentDB(db);
  const engine = (db as { engine?: unknown } | null)?.engine;
  if (isEngine(engine)) return new AgentDB(engine);
  throw invalidArgument(
    `${who} needs an open AgentDB (or its engine): new ${who}(await AgentDB.open({ path }))`,
  );
}
