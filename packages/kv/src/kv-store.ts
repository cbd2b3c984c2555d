import { type Value, validateRunId } from '@agentdb/core';
import { bindView, checkDatabase, type Engine, type EngineTransaction } from '@agentdb/engine';
import { checkPutOptions } from './arguments.js';
import { KVView } from './kv-view.js';
import { readExists, readMany, readPage, readValue } from './reads.js';
import type { KVEntry, ListOptions, PutOptions } from './types.js';
import { deleteEntry, putValue } from './writes.js';

/**
 * Per-run key-value memory with TTL: scratch state, tool results, caches. A stateless facade over an
 * engine — two instances on one database see the same data. Keys are strings of 1–512 UTF-8 bytes;
 * values are any AgentDB `Value`. Single writes are their own transaction; reads that need no
 * transaction (`get`, `exists`, `getMany`, `list`, `listWithValues`) read one consistent snapshot.
 *
 * @example
 * const kv = new KVStore(db);
 * await kv.put('run-1', 'plan', ['search', 'answer']);
 * await kv.get('run-1', 'plan'); // ['search', 'answer']
 */
export class KVStore {
  readonly #db: Engine;

  /**
   * @example
   * const kv = new KVStore(await Database.open({ path: './agent-data' }));
   */
  constructor(db: Engine) {
    checkDatabase(db, 'KVStore');
    this.#db = db;
  }

  /**
   * A view of the store inside transaction `tx`, bound to `runId` (default: the run the transaction
   * was opened for). Its writes commit atomically with everything else in `tx`.
   *
   * @example
   * await db.transaction(async (tx) => {
   *   await kv.in(tx).put('a', 1);
   *   await kv.in(tx).put('b', 2);
   * }, { runId: 'run-1' }); // both or neither
   */
  in(tx: EngineTransaction, runId?: string): KVView {
    const bound = bindView(tx, runId, 'kv');
    return new KVView(bound.tx, bound.runId);
  }

  /**
   * The value at `key` in `runId`, or `undefined` if it is missing or expired.
   *
   * @example
   * const plan = await kv.get('run-1', 'plan');
   */
  async get(runId: string, key: string): Promise<Value | undefined> {
    validateRunId(runId);
    return readValue(this.#db, runId, key);
  }

  /**
   * Stores `value` at `key` (replacing any previous value and expiry). With `ttlMs`, the entry reads as
   * absent from `ttlMs` milliseconds after now and is removed by the sweeper later.
   *
   * @example
   * await kv.put('run-1', 'cache:weather', { temp: 21 }, { ttlMs: 60_000 });
   */
  async put(runId: string, key: string, value: Value, opts?: PutOptions): Promise<void> {
    validateRunId(runId);
    const checked = checkPutOptions(opts);
    // No `{ runId }` option: it only sets the default run of views, and these writes name their run.
    await this.#db.transaction((tx) => putValue(tx, runId, key, value, checked));
  }

  /**
   * Deletes `key`; true if a live (unexpired) entry was there.
   *
   * @example
   * if (await kv.delete('run-1', 'draft')) console.log('draft discarded');
   */
  async delete(runId: string, key: string): Promise<boolean> {
    validateRunId(runId);
    return this.#db.transaction((tx) => deleteEntry(tx, runId, key));
  }

  /**
   * True if `key` holds a live entry in `runId` (a stored `null` counts).
   *
   * @example
   * await kv.exists('run-1', 'plan'); // true
   */
  async exists(runId: string, key: string): Promise<boolean> {
    validateRunId(runId);
    return readExists(this.#db, runId, key);
  }

  /**
   * The values at `keys`, in the same order, `undefined` where missing — read from one snapshot.
   *
   * @example
   * const [plan, goal] = await kv.getMany('run-1', ['plan', 'goal']);
   */
  async getMany(runId: string, keys: readonly string[]): Promise<(Value | undefined)[]> {
    return readMany(this.#db, runId, keys);
  }

  /**
   * Keys of `runId` in ascending order (UTF-8 byte order), optionally only those starting with
   * `prefix`, at most `limit`, strictly after `after`. Pass a page's last key as the next `after` to
   * page through a run: no key is skipped or repeated, even while keys are being added. Costs
   * O(page), not O(run).
   *
   * @example
   * const page1 = await kv.list('run-1', { prefix: 'user:', limit: 100 });
   * const page2 = await kv.list('run-1', { prefix: 'user:', limit: 100, after: page1.at(-1) });
   */
  async list(runId: string, opts?: ListOptions): Promise<string[]> {
    validateRunId(runId);
    return (await readPage(this.#db, runId, opts)).map((e) => e.key);
  }

  /**
   * Like `list`, with each key's value, from one snapshot.
   *
   * @example
   * const tools = await kv.listWithValues('run-1', { prefix: 'tool:' });
   * // [{ key: 'tool:search', value: … }, …]
   */
  async listWithValues(runId: string, opts?: ListOptions): Promise<KVEntry[]> {
    validateRunId(runId);
    return readPage(this.#db, runId, opts);
  }
}
