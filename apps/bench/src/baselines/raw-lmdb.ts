import type { Value } from '@agentdb/primitives';
import { type Database, open, type RootDatabase } from 'lmdb';

/** One raw put: a tuple key and a value lmdb-js encodes with msgpackr. */
export type RawPut = (key: (string | number)[], value: Value) => void;

/**
 * The first baseline: lmdb-js used directly, as its README shows — default key encoding
 * (ordered-binary) and value encoding (msgpackr), one named sub-database. No versions, no log, no
 * validation: the ceiling AgentDB's engine is measured against.
 *
 * @example
 * const raw = RawLmdb.open(dir);
 * await raw.putBatch([['bench', 'a'], ['bench', 'b']], { n: 1 });
 * raw.get(['bench', 'a']);
 * await raw.close();
 */
export class RawLmdb {
  readonly env: RootDatabase;
  readonly db: Database<Value, (string | number)[]>;

  private constructor(env: RootDatabase) {
    this.env = env;
    this.db = env.openDB<Value, (string | number)[]>({ name: 'data' });
  }

  /** Opens (creating) an environment in `path`. @example RawLmdb.open('/tmp/raw') */
  static open(path: string): RawLmdb {
    return new RawLmdb(open({ path }));
  }

  /**
   * Issues every put at once (lmdb-js batches them into one write transaction) and, with `strict`,
   * waits until they are flushed to disk — the same guarantee as an AgentDB strict commit.
   *
   * @example
   * await raw.putBatch(keys, value, true);
   */
  async putBatch(keys: (string | number)[][], value: Value, strict: boolean): Promise<void> {
    const writes: Promise<boolean>[] = [];
    for (const k of keys) writes.push(this.db.put(k, value));
    await Promise.all(writes);
    if (strict) await this.env.flushed;
  }

  /**
   * One synchronous, durable write transaction: `transactionSync` commits and flushes before it
   * returns (lmdb-js's default), so every call pays its own fsync.
   *
   * @example
   * raw.putDurable(['bench', 'a'], { n: 1 });
   */
  putDurable(key: (string | number)[], value: Value): void {
    this.env.transactionSync(() => {
      this.db.putSync(key, value);
    });
  }

  /**
   * Writes what `fill` puts, durably, the way the AgentDB row under comparison commits: `'one-txn'` is
   * one lmdb-js write transaction (`env.transaction`, the batched rows), `'in-flight'` issues every
   * put at once for lmdb-js to batch (the rows with 1,000 concurrent transactions). Both resolve once
   * the writes are flushed to disk.
   *
   * @example
   * await raw.write('one-txn', (put) => put(['bench', 'a'], { n: 1 }));
   */
  async write(mode: 'one-txn' | 'in-flight', fill: (put: RawPut) => void): Promise<void> {
    if (mode === 'one-txn') {
      await this.env.transaction(() => fill((key, value) => void this.db.put(key, value)));
    } else {
      const writes: Promise<boolean>[] = [];
      fill((key, value) => void writes.push(this.db.put(key, value)));
      await Promise.all(writes);
    }
    await this.env.flushed;
  }

  /** A read from lmdb-js's own read transaction (cached and renewed by lmdb-js). @example raw.get(['bench', 'a']) */
  get(key: (string | number)[]): Value | undefined {
    return this.db.get(key);
  }

  /** @example await raw.close() */
  async close(): Promise<void> {
    await this.env.close();
  }
}
