import {
  type AgentDBError,
  type Clock,
  type EncodedKey,
  invalidArgument,
  type KeyRange,
  type Value,
} from '@agentdb/core';
import {
  CONTRACT_VERSION,
  ENGINE_TRANSACTION,
  type EngineTransaction,
  type Entry,
  type MutationContext,
  type MutationFn,
  type PutOptions,
  type ScanEntry,
  type ScanOptions,
} from './contract.js';
import { checkKey, keyId } from './key-bytes.js';
import { MutationHandle } from './mutation-handle.js';
import { runMutation } from './mutation-run.js';
import { checkScan, liveEntry } from './scan.js';
import type { Snapshot } from './snapshot.js';
import type { ScanObservation, TxContext, TxState } from './tx-state.js';
import { pendingDelete, pendingPut } from './write-set.js';

/**
 * An optimistic, serializable transaction: reads see one pinned snapshot plus the transaction's own
 * writes; writes are buffered until commit; commit checks that nothing read or scanned has changed.
 * Only valid while its function runs.
 */
export class Transaction implements EngineTransaction {
  /** The run the primitive views bind to by default. */
  readonly runId: string | undefined;
  readonly #ctx: TxContext;
  readonly #state: TxState;
  #snapshot: Snapshot | undefined;

  /** @internal Created by `Database.transaction`. */
  constructor(ctx: TxContext, state: TxState, runId: string | undefined) {
    this.#ctx = ctx;
    this.#state = state;
    this.runId = runId;
  }

  // No check that the database is open: close() lets every running transaction finish first.
  #active(): void {
    if (!this.#state.running) {
      throw (
        this.#state.ended ??
        invalidArgument('this transaction has finished: use a transaction object only inside its function')
      );
    }
  }

  #snap(): Snapshot {
    this.#snapshot ??= this.#ctx.snapshot();
    return this.#snapshot;
  }

  /** Brand of the engine contract (contract.ts): what `isEngineTransaction` checks. */
  get [ENGINE_TRANSACTION](): typeof CONTRACT_VERSION {
    return CONTRACT_VERSION;
  }

  /** The database's clock (ms since the epoch), for timestamps written in this transaction. @example const now = tx.clock() */
  get clock(): Clock {
    return this.#ctx.clock;
  }

  /** @internal Releases the pinned snapshot; an iteration still open on it then throws `reason`. */
  release(reason?: AgentDBError): void {
    this.#snapshot?.release(reason);
    this.#snapshot = undefined;
  }

  /**
   * The value at `key`, or `undefined`. Sees this transaction's own writes (not its pending commit-time
   * mutations, which exist only at commit: `getPending` previews them).
   *
   * @example
   * const plan = await tx.get(Key.kv(run, 'plan'));
   */
  async get(key: EncodedKey): Promise<Value | undefined> {
    return (await this.getEntry(key))?.value;
  }

  /**
   * The value at `key` with its entry version and expiry, or `undefined`.
   *
   * @example
   * const e = await tx.getEntry(Key.state(run, 'phase')); // { value, version }
   */
  async getEntry(key: EncodedKey): Promise<Entry | undefined> {
    this.#active();
    const k = checkKey(key);
    const id = keyId(k);
    const now = this.#ctx.ttlNow();
    return this.#read(k, id, now);
  }

  /**
   * The value `key` will have once this transaction's pending commit-time mutations of it (`mutate`)
   * have run — run here on this snapshot's value plus its own writes; at commit they run on the latest
   * committed value, which may differ. Without pending mutations it is `get`. A tracked read, like
   * `get`. For counters kept with `mutate` that the transaction needs to read back.
   *
   * @example
   * tx.mutate(countKey, (n) => ({ value: Number(n ?? 0) + 1, result: null }));
   * const count = await tx.getPending(countKey); // includes the increment above
   */
  async getPending(key: EncodedKey): Promise<Value | undefined> {
    this.#active();
    const k = checkKey(key);
    const id = keyId(k);
    const now = this.#ctx.ttlNow();
    const current = this.#read(k, id, now)?.value;
    return this.#state.mutated?.has(id) ? this.#preview(id, current, now) : current;
  }

  /** The entry at `k`: this transaction's own write, or the snapshot's (a tracked read). */
  #read(k: Buffer, id: string, now: number): Entry | undefined {
    const pending = this.#state.writes.get(id);
    if (pending !== undefined) return liveEntry(pending.stored, 0, now);
    const raw = this.#snap().get(k);
    this.#state.reads ??= new Map();
    const reads = this.#state.reads;
    if (!reads.has(id)) reads.set(id, { key: k, version: raw?.version ?? 0 });
    return raw === undefined ? undefined : liveEntry(raw.stored, raw.version, now);
  }

  /**
   * The value of key `id` after this transaction's pending mutations of it run on `current`. What the
   * mutation functions write to other keys is not previewed; what they read is read as `get` reads.
   */
  #preview(id: string, current: Value | undefined, now: number): Value | undefined {
    const ctx: MutationContext = {
      get: (other) => {
        const o = checkKey(other);
        return this.#read(o, keyId(o), now)?.value;
      },
      put: () => {},
      delete: () => {},
    };
    let value = current;
    for (const m of this.#state.mutations) {
      if (keyId(m.key) === id) value = runMutation(m.fn, value, ctx).value;
    }
    return value;
  }

  /**
   * Several values from this transaction's snapshot (plus its own writes), in order; each read is
   * tracked like `get`.
   *
   * @example
   * const [plan, phase] = await tx.getMany([Key.kv(run, 'plan'), Key.state(run, 'phase')]);
   */
  async getMany(keys: readonly EncodedKey[]): Promise<(Value | undefined)[]> {
    this.#active();
    if (!Array.isArray(keys)) throw invalidArgument('getMany needs an array of keys');
    const out: (Value | undefined)[] = [];
    for (const key of keys) out.push(await this.get(key));
    return out;
  }

  /**
   * Buffers a write; it becomes visible to others when the transaction commits.
   *
   * @example
   * tx.put(Key.kv(run, 'cache:q'), result, { ttlMs: 60_000 });
   */
  put(key: EncodedKey, value: Value, opts?: PutOptions): void {
    this.#active();
    this.#ctx.assertWritable();
    const write = pendingPut(key, value, opts, this.#ctx);
    this.#state.writes.set(write.id, write);
  }

  /**
   * Buffers a delete.
   *
   * @example
   * tx.delete(Key.kv(run, 'draft'));
   */
  delete(key: EncodedKey): void {
    this.#active();
    this.#ctx.assertWritable();
    const write = pendingDelete(checkKey(key));
    this.#state.writes.set(write.id, write);
  }

  /**
   * Entries in `range` in key order (or reverse), merging this transaction's writes. The range is
   * re-checked at commit, so a concurrent insert into it (a phantom) makes the commit conflict.
   *
   * @example
   * for await (const { key, value } of tx.scan(tagRange(run, TypeTag.KV), { limit: 10 })) console.log(key, value);
   */
  async *scan(range: KeyRange, opts?: ScanOptions): AsyncIterableIterator<ScanEntry> {
    this.#active();
    const { range: r, limit, reverse, includeExpired } = checkScan(range, opts);
    if (Buffer.compare(r.start, r.end) >= 0) return;
    const now = includeExpired ? Number.NEGATIVE_INFINITY : this.#ctx.ttlNow();
    const dir = reverse ? -1 : 1;
    const observation: ScanObservation = { start: r.start, end: r.end, reverse, seen: [], complete: false };
    this.#state.scans.push(observation);
    const buffered = [...this.#state.writes.values()]
      .filter((w) => Buffer.compare(w.key, r.start) >= 0 && Buffer.compare(w.key, r.end) < 0)
      .sort((a, b) => dir * Buffer.compare(a.key, b.key));
    const it = this.#snap().range(r.start, r.end, reverse)[Symbol.iterator]();
    const pull = () => {
      const n = it.next();
      if (n.done) {
        observation.complete = true;
        return undefined;
      }
      observation.seen.push({ key: n.value.key, version: n.value.version });
      return n.value;
    };
    let next: ReturnType<typeof pull>;
    let needPull = true;
    let b = 0;
    let count = 0;
    try {
      while (count < limit) {
        if (needPull) {
          next = pull();
          needPull = false;
        }
        const fromBuffer = buffered[b];
        if (next === undefined && fromBuffer === undefined) return;
        const order =
          next === undefined
            ? 1
            : fromBuffer === undefined
              ? -1
              : dir * Buffer.compare(next.key, fromBuffer.key);
        let out: ScanEntry | undefined;
        if (order < 0) {
          const live = liveEntry(next!.stored, next!.version, now);
          if (live !== undefined) out = { key: next!.key, value: live.value, version: next!.version };
          needPull = true;
        } else {
          const live = liveEntry(fromBuffer!.stored, 0, now);
          if (live !== undefined) out = { key: fromBuffer!.key, value: live.value, version: 0 };
          b++;
          if (order === 0) needPull = true;
        }
        if (out !== undefined) {
          count++;
          yield out;
          this.#active();
        }
      }
    } finally {
      // Stopping early (limit, break, an error) must hand the LMDB cursor back, or its reader slot leaks.
      it.return?.();
    }
  }

  /**
   * Registers a commit-time mutation of `key`: `fn` runs inside the commit on the latest committed
   * value and never conflicts (like FoundationDB's atomic operations). Its `result` is known only after
   * commit: await the returned handle after `db.transaction` resolves.
   *
   * @example
   * let seq!: MutationHandle<number>;
   * await db.transaction((tx) => {
   *   seq = tx.mutate(counterKey, (n) => ({ value: Number(n ?? 0) + 1, result: Number(n ?? 0) }));
   * });
   * console.log(await seq);
   */
  mutate<R>(key: EncodedKey, fn: MutationFn<R>): MutationHandle<R> {
    this.#active();
    this.#ctx.assertWritable();
    const k = checkKey(key);
    if (typeof fn !== 'function')
      throw invalidArgument('mutate needs a function (current, ctx) => ({ value, result })');
    const handle = new MutationHandle<R>(() => this.#state.running);
    this.#state.mutated ??= new Set();
    this.#state.mutated.add(keyId(k));
    this.#state.mutations.push({
      key: k,
      fn: fn as MutationFn<unknown>,
      handle: handle as MutationHandle<unknown>,
    });
    return handle;
  }
}
