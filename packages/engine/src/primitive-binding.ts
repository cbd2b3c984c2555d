import { describe, invalidArgument, validateRunId } from '@agentdb/core';
import { type Engine, type EngineTransaction, isEngine, isEngineTransaction } from './contract.js';

/**
 * The argument checks every primitive facade shares, written once: a facade wraps an engine (any
 * engine of the contract: LMDB, Postgres), and a transaction view binds one engine transaction to one
 * run. Both are brand checks (contract.ts), not `instanceof` on one class.
 */

/**
 * Throws `INVALID_ARGUMENT` unless `db` is an engine implementing the engine contract.
 *
 * @example
 * class Notes {
 *   readonly #db: Engine;
 *   constructor(db: Engine) {
 *     checkDatabase(db, 'Notes'); // INVALID_ARGUMENT unless db is an engine
 *     this.#db = db;
 *   }
 * }
 * new Notes(db);
 */
export function checkDatabase(db: unknown, primitive: string): asserts db is Engine {
  if (!isEngine(db)) {
    throw invalidArgument(
      `new ${primitive}(db) needs a Database: an AgentDB engine (Database.open from @agentdb/engine, or PostgresDatabase.open from @agentdb/postgres), got ${describe(db)}`,
    );
  }
}

/**
 * Resolves what a primitive's transaction view binds to: the transaction `db.transaction` passed to the
 * caller's function, and `runId`, or else the run the transaction was opened for.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   const { runId } = bindView(tx, undefined, 'notes'); // 'run-1': the transaction's run
 * }, { runId: 'run-1' });
 */
export function bindView(
  tx: unknown,
  runId: string | undefined,
  view: string,
): { tx: EngineTransaction; runId: string } {
  if (!isEngineTransaction(tx)) {
    throw invalidArgument(
      `${view}.in(tx) needs the transaction object that db.transaction passes to your function, got ${describe(tx)}`,
    );
  }
  // Only a missing run id falls back to the transaction's; `null` or `''` is refused like any bad id.
  const run = runId === undefined ? tx.runId : runId;
  if (run === undefined) {
    throw invalidArgument(
      `no run id for ${view}.in(tx): pass ${view}.in(tx, runId) or open the transaction with { runId }`,
    );
  }
  validateRunId(run);
  return { tx, runId: run };
}
