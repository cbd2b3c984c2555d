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
  MutationHandle,
  type PutOptions,
  type ScanEntry,
  type ScanOptions,
} from '@agentdb/engine';
import {
  checkedPut,
  checkKey,
  checkScan,
  keyId,
  liveEntry,
  pendingDelete,
  runMutation,
  type ScanObservation,
} from '@agentdb/engine/kit';
import type { PgSnapshot, RawRow } from './pg-snapshot.js';
import type { TxContext, TxState } from './tx-state.js';

/** Thrown inside a previewed mutation that read a key not loaded yet (getPending loads it and runs again). */
const NOT_LOADED = new Error('not loaded');

/**
 * An optimistic, serializable transaction on PostgreSQL: reads see one pinned snapshot plus the
 * transaction's own writes; writes are buffered until commit; the commit checks that nothing read or
 * scanned has changed since. Only valid while its function runs.
 */
export class PgTransaction implements EngineTransaction {
  /** The run the primitive views bind to by default. */
  readonly runId: string | undefined;
  readonly #ctx: TxContext;
  readonly #state: TxState;
  #snapshot: PgSnapshot | undefined;

  /** @internal Created by the engine for each attempt. */
  constructor(ctx: TxContext, state: TxState, runId: string | undefined) {
    this.#ctx = ctx;
    this.#state = state;
    this.runId = runId;
  }

  #active(): void {
    if (!this.#state.running) {
      throw (
        this.#state.ended ??
        invalidArgument('this transaction has finished: use a transaction object only inside its function')
      );
    }
  }

  #snap(): PgSnapshot {
    this.#snapshot ??= this.#ctx.snapshot();
    return this.#snapshot;
  }

  /** Brand of the engine contract: what `isEngineTransaction` checks. */
  get [ENGINE_TRANSACTION](): typeof CONTRACT_VERSION {
    return CONTRACT_VERSION;
  }

  /** The engine's clock, for timestamps written in this transaction. @example const now = tx.clock() */
  get clock(): Clock {
    return this.#ctx.clock;
  }

  /** @internal Ends the snapshot; a read still in flight, or a later one, throws `reason`. */
  release(reason?: AgentDBError): void {
    this.#snapshot?.release(reason);
  }

  /** The snapshot row at `key` (read once, then cached), tracking the version seen. */
  async #row(key: Buffer, id: string): Promise<RawRow | undefined> {
    let row = this.#state.cache.get(id);
    if (row === undefined) {
      row = (await this.#snap().get(key)) ?? null;
      this.#state.cache.set(id, row);
    }
    this.#track(key, id, row);
    return row ?? undefined;
  }

  #track(key: Buffer, id: string, row: RawRow | null): void {
    this.#state.reads ??= new Map();
    if (!this.#state.reads.has(id)) this.#state.reads.set(id, { key, version: row?.version ?? 0 });
  }

  /**
   * The value at `key`, or `undefined`. Sees this transaction's own writes.
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
    const pending = this.#state.writes.get(id);
    if (pending !== undefined) return liveEntry(pending.stored, 0, this.#ctx.ttlNow());
    const row = await this.#row(k, id);
    return row === undefined ? undefined : liveEntry(row.entry, row.version, this.#ctx.ttlNow());
  }

  /**
   * Several values from this transaction's snapshot (plus its own writes), in order, in one round
   * trip; each read is tracked like `get`.
   *
   * @example
   * const [plan, phase] = await tx.getMany([Key.kv(run, 'plan'), Key.state(run, 'phase')]);
   */
  async getMany(keys: readonly EncodedKey[]): Promise<(Value | undefined)[]> {
    this.#active();
    if (!Array.isArray(keys)) throw invalidArgument('getMany needs an array of keys');
    const checked = keys.map((key) => {
      const k = checkKey(key);
      return { k, id: keyId(k) };
    });
    const missing = checked.filter(({ id }) => !this.#state.writes.has(id) && !this.#state.cache.has(id));
    if (missing.length > 0) {
      const found = new Map<string, RawRow>();
      for (const row of await this.#snap().getMany(missing.map((m) => m.k))) found.set(keyId(row.key), row);
      for (const { id } of missing) this.#state.cache.set(id, found.get(id) ?? null);
    }
    const now = this.#ctx.ttlNow();
    return checked.map(({ k, id }) => {
      const pending = this.#state.writes.get(id);
      if (pending !== undefined) return liveEntry(pending.stored, 0, now)?.value;
      const row = this.#state.cache.get(id) ?? null;
      this.#track(k, id, row);
      return row === null ? undefined : liveEntry(row.entry, row.version, now)?.value;
    });
  }

  /**
   * Buffers a write; it becomes visible to others when the transaction commits.
   *
   * @example
   * tx.put(Key.kv(run, 'cache:q'), result, { ttlMs: 60_000 });
   */
  put(key: EncodedKey, value: Value, opts?: PutOptions): void {
    this.#active();
    const write = checkedPut(key, value, opts, this.#ctx);
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
    const write = pendingDelete(checkKey(key));
    this.#state.writes.set(write.id, write);
  }

  /**
   * Entries in `range` in key order (or reverse), merging this transaction's writes. The part of the
   * range the scan looked at is re-checked at commit, so a concurrent insert into it (a phantom) makes
   * the commit conflict.
   *
   * @example
   * for await (const { key, value } of tx.scan(tagRange(run, TypeTag.KV), { limit: 10 })) console.log(key, value);
   */
  async *scan(range: KeyRange, opts?: ScanOptions): AsyncIterableIterator<ScanEntry> {
    this.#active();
    const { range: r, limit, reverse, includeExpired } = checkScan(range, opts);
    const start = Buffer.from(r.start);
    const end = Buffer.from(r.end);
    if (Buffer.compare(start, end) >= 0) return;
    const now = includeExpired ? Number.NEGATIVE_INFINITY : this.#ctx.ttlNow();
    const dir = reverse ? -1 : 1;
    const observation: ScanObservation = { start, end, reverse, seen: [], complete: false };
    this.#state.scans.push(observation);
    const buffered = [...this.#state.writes.values()]
      .filter((w) => Buffer.compare(w.key, start) >= 0 && Buffer.compare(w.key, end) < 0)
      .sort((a, b) => dir * Buffer.compare(a.key, b.key));
    // A small first page when a limit is given (a head lookup reads one row), growing from there.
    const rows = this.#snap().range(start, end, reverse, Number.isFinite(limit) ? limit + 1 : 100);
    const pull = async (): Promise<RawRow | undefined> => {
      const n = await rows.next();
      if (n.done) {
        observation.complete = true;
        return undefined;
      }
      observation.seen.push({ key: n.value.key, version: n.value.version });
      return n.value;
    };
    let next: RawRow | undefined;
    let needPull = true;
    let b = 0;
    let count = 0;
    try {
      while (count < limit) {
        if (needPull) {
          next = await pull();
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
          const live = liveEntry(next!.entry, next!.version, now);
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
      await rows.return(undefined);
    }
  }

  /**
   * The value `key` will have once this transaction's pending commit-time mutations of it have run,
   * run here on this snapshot's value plus its own writes (at commit they run on the latest value);
   * `get` when there are none. A tracked read; keys the mutation functions read are read like `get`.
   *
   * @example
   * tx.mutate(countKey, (n) => ({ value: Number(n ?? 0) + 1, result: null }));
   * const count = await tx.getPending(countKey); // includes the increment above
   */
  async getPending(key: EncodedKey): Promise<Value | undefined> {
    this.#active();
    const k = checkKey(key);
    const id = keyId(k);
    const current = (await this.getEntry(k))?.value;
    const own = this.#state.mutations.filter((m) => keyId(m.key) === id);
    if (own.length === 0) return current;
    // Mutation functions are synchronous: a key they read that is not loaded yet is loaded (a tracked
    // read), and they run again, as at commit.
    for (;;) {
      const missing: Buffer[] = [];
      const ctx: MutationContext = {
        get: (other) => {
          const o = checkKey(other);
          const oid = keyId(o);
          const pending = this.#state.writes.get(oid);
          if (pending !== undefined) return liveEntry(pending.stored, 0, this.#ctx.ttlNow())?.value;
          const row = this.#state.cache.get(oid);
          if (row === undefined) {
            missing.push(o);
            throw NOT_LOADED;
          }
          return row === null ? undefined : liveEntry(row.entry, row.version, this.#ctx.ttlNow())?.value;
        },
        put: () => {},
        delete: () => {},
      };
      try {
        let value = current;
        for (const m of own) value = runMutation(m.fn, value, ctx).value;
        return value;
      } catch (error) {
        if (missing.length === 0) throw error;
        for (const o of missing) await this.getEntry(o);
      }
    }
  }

  /**
   * Registers a commit-time mutation of `key`: `fn` runs inside the commit on the latest committed
   * value and never conflicts. Its `result` is known only after commit: await the returned handle
   * after `db.transaction` resolves.
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
    const k = checkKey(key);
    if (typeof fn !== 'function')
      throw invalidArgument('mutate needs a function (current, ctx) => ({ value, result })');
    const handle = new MutationHandle<R>(() => this.#state.running);
    this.#state.mutations.push({
      key: k,
      fn: fn as MutationFn<unknown>,
      handle: handle as MutationHandle<unknown>,
    });
    return handle;
  }
}
