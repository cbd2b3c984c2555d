import type { Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import { checkPutOptions } from './arguments.js';
import { readExists, readMany, readPage, readValue } from './reads.js';
import type { KVEntry, ListOptions, PutOptions } from './types.js';
import { deleteEntry, putValue } from './writes.js';

/**
 * The KV store inside one transaction, bound to one run: the `KVStore` methods minus `runId`. Reads
 * see the transaction's snapshot plus its own writes; writes commit (or not) with the transaction.
 * Valid only while the transaction's function runs.
 */
export class KVView {
  /** The run this view reads and writes. */
  readonly runId: string;
  readonly #tx: EngineTransaction;

  /** @internal Use `kv.in(tx, runId?)`: a checked transaction and run id. */
  constructor(tx: EngineTransaction, runId: string) {
    this.#tx = tx;
    this.runId = runId;
  }

  /**
   * The value at `key`, or `undefined` if it is missing or expired. Sees this transaction's writes.
   *
   * @example
   * const plan = await kv.in(tx).get('plan');
   */
  async get(key: string): Promise<Value | undefined> {
    return readValue(this.#tx, this.runId, key);
  }

  /**
   * Writes `value` at `key` when the transaction commits, optionally expiring `ttlMs` after now.
   *
   * @example
   * await kv.in(tx).put('cache:weather', { temp: 21 }, { ttlMs: 60_000 });
   */
  async put(key: string, value: Value, opts?: PutOptions): Promise<void> {
    putValue(this.#tx, this.runId, key, value, checkPutOptions(opts));
  }

  /**
   * Deletes `key` when the transaction commits. True if a live (unexpired) entry was there. The read
   * makes a concurrent write of the same key a conflict, so the answer is never stale.
   *
   * @example
   * const existed = await kv.in(tx).delete('draft');
   */
  async delete(key: string): Promise<boolean> {
    return deleteEntry(this.#tx, this.runId, key);
  }

  /**
   * True if `key` holds a live entry.
   *
   * @example
   * if (!(await kv.in(tx).exists('lock'))) await kv.in(tx).put('lock', 'agent-7');
   */
  async exists(key: string): Promise<boolean> {
    return readExists(this.#tx, this.runId, key);
  }

  /**
   * The values at `keys`, in the same order, `undefined` where missing.
   *
   * @example
   * const [a, b] = await kv.in(tx).getMany(['a', 'b']);
   */
  async getMany(keys: readonly string[]): Promise<(Value | undefined)[]> {
    return readMany(this.#tx, this.runId, keys);
  }

  /**
   * Keys in ascending order, filtered by `prefix`, paged with `after` and `limit`. The scanned range is
   * re-checked at commit, so a concurrent insert into it makes the transaction retry.
   *
   * @example
   * const keys = await kv.in(tx).list({ prefix: 'user:', limit: 50 });
   */
  async list(opts?: ListOptions): Promise<string[]> {
    return (await readPage(this.#tx, this.runId, opts)).map((e) => e.key);
  }

  /**
   * Like `list`, with each key's value.
   *
   * @example
   * for (const { key, value } of await kv.in(tx).listWithValues({ prefix: 'tool:' })) console.log(key, value);
   */
  async listWithValues(opts?: ListOptions): Promise<KVEntry[]> {
    return readPage(this.#tx, this.runId, opts);
  }
}
