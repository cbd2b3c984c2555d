import type { EncodedKey, KeyRange, Value } from '@agentdb/core';
import type { Database, ScanEntry, ScanOptions, Transaction } from '@agentdb/engine';

/**
 * Where the queue's reads go: the database (snapshot reads outside any transaction, used by the facade's
 * `peek`, `size` and `queues`) or a transaction (tracked reads, validated at commit). One read path
 * serves the facade and the transaction view.
 */
export interface Reader {
  getMany(keys: readonly EncodedKey[]): Promise<(Value | undefined)[]>;
  scan(range: KeyRange, opts?: ScanOptions): AsyncIterable<ScanEntry>;
}

/** Reads through the database: each call is one consistent snapshot. */
export function databaseReader(db: Database): Reader {
  return db;
}

/** Reads through a transaction's snapshot (plus its own writes). */
export function transactionReader(tx: Transaction): Reader {
  return {
    getMany: async (keys) => {
      const out: (Value | undefined)[] = [];
      for (const key of keys) out.push(await tx.get(key));
      return out;
    },
    scan: (range, opts) => tx.scan(range, opts),
  };
}
