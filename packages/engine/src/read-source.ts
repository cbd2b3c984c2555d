import type { Database } from './database.js';
import type { Transaction } from './transaction.js';

/**
 * The reads a database and a transaction have in common. A primitive writes each read once against a
 * `ReadSource` and passes the database (snapshot reads, no transaction) from its facade and the
 * transaction (tracked reads plus its own writes) from its view.
 *
 * @example
 * async function readPlan(src: ReadSource, run: string) { return src.get(Key.kv(run, 'plan')); }
 * await readPlan(db, run);
 * await db.transaction((tx) => readPlan(tx, run));
 */
export type ReadSource = Pick<Database, 'get' | 'getEntry' | 'getMany' | 'scan'> &
  Pick<Transaction, 'get' | 'getEntry' | 'getMany' | 'scan'>;
