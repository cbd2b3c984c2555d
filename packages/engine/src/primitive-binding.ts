import { describe, invalidArgument, validateRunId } from '@agentdb/core';
import { Database } from './database.js';
import { Transaction } from './transaction.js';

/**
 * The argument checks every primitive facade shares, written once: a facade wraps a `Database`,
 * and a transaction view binds one `Transaction` to one run.
 */

/**
 * Throws `INVALID_ARGUMENT` unless `db` is an open-able engine `Database`.
 *
 * @example
 * constructor(db: Database) { checkDatabase(db, 'KVStore'); this.#db = db; }
 */
export function checkDatabase(db: unknown, primitive: string): asserts db is Database {
  if (!(db instanceof Database)) {
    throw invalidArgument(
      `new ${primitive}(db) needs a Database from @agentdb/engine (Database.open), got ${describe(db)}`,
    );
  }
}

/**
 * Resolves what a primitive's transaction view binds to: the transaction `db.transaction` passed to the
 * caller's function, and `runId`, or else the run the transaction was opened for.
 *
 * @example
 * in(tx: Transaction, runId?: string) { const b = bindView(tx, runId, 'kv'); return new KVView(b.tx, b.runId); }
 */
export function bindView(
  tx: unknown,
  runId: string | undefined,
  view: string,
): { tx: Transaction; runId: string } {
  if (!(tx instanceof Transaction)) {
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
