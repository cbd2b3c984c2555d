import { AgentDBError } from '@agentdb/core';
import type { Database as LmdbDatabase, Transaction as LmdbReadTxn } from 'lmdb';
import { storageError } from './lmdb-errors.js';
import { asBuffer, boundedRange, type RawEntry, type ReadView } from './read-view.js';

/** A snapshot released without a reason (the normal end of a transaction's reads). */
const RELEASED: unique symbol = Symbol('released');

/** A pinned LMDB read transaction. Always `release()` it. */
export interface Snapshot extends ReadView {
  /**
   * Ends the snapshot: closes every iteration still open on it and releases the read transaction.
   * Any later read through it, an open iteration's next step included, throws `reason`.
   */
  release(reason?: AgentDBError): void;
}

/**
 * A snapshot that can be released at any moment — by `close()`, a transaction's deadline or an idle
 * scan's timeout — while code still holds it, even in the middle of an iteration. Every step checks
 * first whether it was released, and releasing closes the LMDB cursors of open iterations itself,
 * so nothing ever touches a finished read transaction or a closed environment (which would crash the
 * process rather than throw).
 */
export class LmdbSnapshot implements Snapshot {
  readonly #txn: LmdbReadTxn;
  readonly #data: LmdbDatabase<Buffer, Buffer>;
  readonly #counted: () => void;
  readonly #open = new Set<Iterator<RawEntry>>();
  #ended: AgentDBError | typeof RELEASED | undefined;

  /** @param counted called once per entry read (the database's read counter) */
  constructor(txn: LmdbReadTxn, data: LmdbDatabase<Buffer, Buffer>, counted: () => void) {
    this.#txn = txn;
    this.#data = data;
    this.#counted = counted;
  }

  #check(): void {
    if (this.#ended === RELEASED) throw new AgentDBError('CLOSED', 'this read snapshot was released');
    if (this.#ended !== undefined) throw this.#ended;
  }

  get(key: Uint8Array): RawEntry | undefined {
    this.#check();
    this.#counted();
    let e: { value: Buffer; version?: number } | undefined;
    try {
      e = this.#data.getEntry(asBuffer(key), { transaction: this.#txn });
    } catch (error) {
      throw storageError(error, 'reading');
    }
    return e === undefined ? undefined : { key, stored: e.value, version: e.version ?? 0 };
  }

  *range(start: Uint8Array, end: Uint8Array, reverse = false): Iterable<RawEntry> {
    this.#check();
    const it = boundedRange(this.#data, start, end, reverse, this.#txn)[Symbol.iterator]();
    this.#open.add(it);
    try {
      for (;;) {
        this.#check();
        let next: IteratorResult<RawEntry>;
        try {
          next = it.next();
        } catch (error) {
          throw storageError(error, 'reading a range');
        }
        if (next.done) return;
        this.#counted();
        yield next.value;
      }
    } finally {
      // Stopping early (limit, break, an error) hands the cursor back; a release already did.
      if (this.#open.delete(it)) it.return?.();
    }
  }

  release(reason?: AgentDBError): void {
    if (this.#ended !== undefined) return;
    // The error is built when a read after release needs it: every transaction releases its
    // snapshot, and capturing a stack trace each time cost more than the transaction's reads.
    this.#ended = reason ?? RELEASED;
    for (const it of this.#open) it.return?.();
    this.#open.clear();
    this.#txn.done();
  }
}
