import { decodeValue, type Value } from '@agentdb/core';
import {
  entryValue,
  isExpired,
  keyId,
  LogEntryBuilder,
  type PendingWrite,
  type ScanObservation,
} from '@agentdb/engine/kit';
import type pg from 'pg';
import type { RawRow } from './pg-snapshot.js';
import { prepared, type Statements } from './sql.js';

/** Thrown by `CommitBatch.valueOf` for a key not loaded yet: load it and run the mutations again. */
export class NotLoaded extends Error {
  readonly key: Buffer;
  constructor(key: Buffer) {
    super('key not loaded');
    this.key = key;
  }
}

/** Rows one `loadFrom` reads. */
const WINDOW = 64;

/** A failure of a statement the batch sent (as opposed to one thrown by a mutation function). */
export class ServerFailure extends Error {
  constructor(cause: unknown) {
    super('a statement of the commit failed', { cause });
  }
}

/**
 * One PostgreSQL commit transaction's worth of AgentDB commits (group commit), run while it holds the
 * commit-version counter row, so that nothing else commits meanwhile and what it loads stays the
 * latest state until it commits.
 *
 * Rows are loaded from the server once (`load`) and kept; writes of the batch's commits are staged in
 * memory (last write per key wins) and reach the server in one statement at `finish`, with one
 * commit-log row for the whole batch and the counter. Reads during the batch (validation, mutations)
 * see staged writes over loaded rows. Each commit still gets its own version and its own record in
 * the batch's log row.
 */
export class CommitBatch {
  readonly #client: pg.PoolClient;
  readonly #sql: Statements;
  readonly now: number;
  /** The counter before the batch: its first commit is `base + 1`. */
  readonly base: number;
  #version: number;
  readonly #loaded = new Map<string, RawRow | null>();
  /** Key intervals loaded whole by `loadFrom` (`to` inclusive; undefined: to the end): a key in one not in `#loaded` is absent. */
  readonly #windows: { from: Buffer; to: Buffer | undefined }[] = [];
  readonly #staged = new Map<string, PendingWrite>();
  readonly #log = new LogEntryBuilder();

  constructor(client: pg.PoolClient, sql: Statements, base: number, now: number) {
    this.#client = client;
    this.#sql = sql;
    this.base = base;
    this.#version = base;
    this.now = now;
  }

  /** Loads the rows at `keys` that are not loaded yet, in one round trip. */
  async load(keys: Iterable<Buffer>): Promise<void> {
    const wanted = new Map<string, Buffer>();
    for (const k of keys) {
      const id = keyId(k);
      if (!this.#loaded.has(id)) wanted.set(id, k);
    }
    if (wanted.size === 0) return;
    const rows = await this.#query<RawRow>(this.#sql.getMany, [[...wanted.values()]]);
    for (const id of wanted.keys()) this.#loaded.set(id, null);
    for (const row of rows) this.#loaded.set(keyId(row.key), row);
  }

  /**
   * Loads the key and the rows after it (up to `WINDOW`), marking the interval as loaded whole. A
   * mutation that asks for a key it has not loaded usually asks for its neighbour next: an event
   * log's append checks that the next sequence's key is free, and each append of a batch asks for the
   * key after the previous one's. One window answers all of them with one round trip.
   */
  async loadFrom(key: Buffer): Promise<void> {
    const rows = await this.#query<RawRow>(this.#sql.rangeFrom, [key, WINDOW]);
    for (const row of rows) if (!this.#loaded.has(keyId(row.key))) this.#loaded.set(keyId(row.key), row);
    this.#windows.push({ from: key, to: rows.length === WINDOW ? rows.at(-1)!.key : undefined });
  }

  #inWindow(key: Buffer): boolean {
    return this.#windows.some(
      (w) => Buffer.compare(key, w.from) >= 0 && (w.to === undefined || Buffer.compare(key, w.to) <= 0),
    );
  }

  #current(key: Buffer): { stored: Uint8Array | null; version: number; value?: Value } {
    const id = keyId(key);
    const staged = this.#staged.get(id);
    if (staged !== undefined) {
      return staged.value === undefined
        ? { stored: staged.stored, version: staged.version }
        : { stored: staged.stored, version: staged.version, value: staged.value };
    }
    const row = this.#loaded.has(id) ? this.#loaded.get(id)! : this.#inWindow(key) ? null : undefined;
    if (row === undefined) throw new NotLoaded(key);
    return row === null ? { stored: null, version: 0 } : { stored: row.entry, version: row.version };
  }

  /** The entry version of `key` now (0 when absent), staged writes included. The key must be loaded. */
  versionOf(key: Buffer): number {
    const c = this.#current(key);
    return c.stored === null ? 0 : c.version;
  }

  /** The live value of `key` now, staged writes included; `NotLoaded` if it was never loaded. */
  valueOf(key: Buffer): Value | undefined {
    const c = this.#current(key);
    if (c.stored === null || isExpired(c.stored, this.now)) return undefined;
    return c.value ?? decodeValue(entryValue(c.stored));
  }

  /** True when the part of the range a scan looked at still holds exactly the keys and versions it saw. */
  async scanUnchanged(s: ScanObservation): Promise<boolean> {
    let start = Buffer.from(s.start);
    let end = Buffer.from(s.end);
    if (!s.complete) {
      const last = s.seen.at(-1);
      if (last === undefined) return true; // nothing of the snapshot was looked at
      // Observed only up to (and including) the last key pulled.
      if (s.reverse) start = Buffer.from(last.key);
      else end = Buffer.concat([last.key, Buffer.from([0])]);
    }
    const rows = await this.#query<RawRow>(this.#sql.rangeAll, [start, end]);
    const now = new Map<string, { key: Buffer; version: number }>();
    for (const row of rows) now.set(keyId(row.key), { key: row.key, version: row.version });
    for (const [id, w] of this.#staged) {
      if (Buffer.compare(w.key, start) < 0 || Buffer.compare(w.key, end) >= 0) continue;
      if (w.stored === null) now.delete(id);
      else now.set(id, { key: w.key, version: w.version });
    }
    if (now.size !== s.seen.length) return false;
    const dir = s.reverse ? -1 : 1;
    const current = [...now.values()].sort((a, b) => dir * Buffer.compare(a.key, b.key));
    return current.every((e, i) => {
      const seen = s.seen[i]!;
      return seen.version === e.version && Buffer.compare(seen.key, e.key) === 0;
    });
  }

  /**
   * Applies a write set as the next commit: staged with its version, and its record added to the
   * batch's log row. Returns the commit version. The batch keeps the writes.
   */
  apply(writes: ReadonlyMap<string, PendingWrite>): number {
    const version = ++this.#version;
    this.#log.add(version, writes);
    for (const w of writes.values()) this.#staged.set(w.id, { ...w, version });
    return version;
  }

  /** Commits applied so far. */
  get count(): number {
    return this.#version - this.base;
  }

  /**
   * Writes the staged entries, the log row (carrying `token`, by which a commit whose acknowledgement
   * was lost is recognised) and the counter, in one statement. `channel`: also notify followers.
   */
  finish(token: Buffer, channel: string | undefined): Promise<unknown> {
    const putKeys: Buffer[] = [];
    const putEntries: Uint8Array[] = [];
    const putVersions: number[] = [];
    const putExpiries: (number | null)[] = [];
    const deleted: Buffer[] = [];
    for (const w of this.#staged.values()) {
      if (w.stored === null) deleted.push(w.key);
      else {
        putKeys.push(w.key);
        putEntries.push(w.stored);
        putVersions.push(w.version);
        putExpiries.push(w.expiresAt ?? null);
      }
    }
    const { first, bytes } = this.#log.encode(this.now);
    const values: unknown[] = [
      putKeys,
      putEntries.map((e) => Buffer.from(e.buffer, e.byteOffset, e.length)),
      putVersions,
      putExpiries,
      deleted,
      first,
      this.#version,
      this.now,
      token,
      Buffer.from(bytes),
    ];
    return channel === undefined
      ? this.#query(this.#sql.apply, values)
      : this.#query(this.#sql.applyNotify, [...values, channel]);
  }

  /** Rows whose expiry is at or before `now` by the index, oldest first, at most `limit`. */
  expired(limit: number): Promise<RawRow[]> {
    return this.#query<RawRow>(this.#sql.expired, [this.now, limit]);
  }

  async #query<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<R[]> {
    try {
      return (await this.#client.query<R>({ ...prepared(text), values })).rows;
    } catch (error) {
      throw new ServerFailure(error);
    }
  }
}
