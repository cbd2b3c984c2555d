import { Key, type Value } from '@agentdb/core';
import { bindView, type EngineTransaction } from '@agentdb/engine';
import { checkPutOptions, type ListOptions, type PutOptions } from './options.js';
import { type KVEntry, type KVSource, readExists, readMany, readPage, readValue } from './reads.js';

/**
 * The KV store inside one transaction, bound to one run: the `KVStore` methods minus `runId`. Reads
 * see the transaction's snapshot plus its own writes; writes commit (or not) with the transaction.
 * Valid only while the transaction's function runs.
 */
export class KVView {
  /** The run this view reads and writes. */
  readonly runId: string;
  readonly #tx: EngineTransaction;
  readonly #src: KVSource;

  /** @internal Use `kv.in(tx, runId?)`. */
  constructor(tx: unknown, runId: string | undefined) {
    const bound = bindView(tx, runId, 'kv');
    this.runId = bound.runId;
    this.#tx = bound.tx;
    this.#src = bound.tx;
  }

  /**
   * The value at `key`, or `undefined` if it is missing or expired. Sees this transaction's writes.
   *
   * @example
   * const plan = await kv.in(tx).get('plan');
   */
  get(key: string): Promise<Value | undefined> {
    return readValue(this.#src, this.runId, key);
  }

  /**
   * Writes `value` at `key` when the transaction commits, optionally expiring `ttlMs` after now.
   *
   * @example
   * await kv.in(tx).put('cache:weather', report, { ttlMs: 60_000 });
   */
  async put(key: string, value: Value, opts?: PutOptions): Promise<void> {
    const k = Key.kv(this.runId, key);
    const checked = checkPutOptions(opts);
    // tx.put validates the value (INVALID_VALUE naming the path) and ttlMs before buffering anything.
    this.#tx.put(k, value, checked);
  }

  /**
   * Deletes `key` when the transaction commits. True if a live (unexpired) entry was there. The read
   * makes a concurrent write of the same key a conflict, so the answer is never stale.
   *
   * @example
   * const existed = await kv.in(tx).delete('draft');
   */
  async delete(key: string): Promise<boolean> {
    const k = Key.kv(this.runId, key);
    const existed = (await this.#tx.getEntry(k)) !== undefined;
    if (existed) this.#tx.delete(k);
    return existed;
  }

  /**
   * True if `key` holds a live entry.
   *
   * @example
   * if (!(await kv.in(tx).exists('lock'))) await kv.in(tx).put('lock', me);
   */
  exists(key: string): Promise<boolean> {
    return readExists(this.#src, this.runId, key);
  }

  /**
   * The values at `keys`, in the same order, `undefined` where missing.
   *
   * @example
   * const [a, b] = await kv.in(tx).getMany(['a', 'b']);
   */
  getMany(keys: readonly string[]): Promise<(Value | undefined)[]> {
    return readMany(this.#src, this.runId, keys);
  }

  /**
   * Keys in ascending order, filtered by `prefix`, paged with `after` and `limit`. The scanned range is
   * re-checked at commit, so a concurrent insert into it makes the transaction retry.
   *
   * @example
   * const keys = await kv.in(tx).list({ prefix: 'user:', limit: 50 });
   */
  async list(opts?: ListOptions): Promise<string[]> {
    return (await readPage(this.#src, this.runId, opts)).map((e) => e.key);
  }

  /**
   * Like `list`, with each key's value.
   *
   * @example
   * for (const { key, value } of await kv.in(tx).listWithValues({ prefix: 'tool:' })) …
   */
  listWithValues(opts?: ListOptions): Promise<KVEntry[]> {
    return readPage(this.#src, this.runId, opts);
  }
}
