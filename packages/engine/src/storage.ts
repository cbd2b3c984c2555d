import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentDBError } from '@agentdb/core';
import {
  type Database as LmdbDatabase,
  type Transaction as LmdbReadTxn,
  open,
  type RootDatabase,
} from 'lmdb';
import { LockFile } from './lock-file.js';
import type { Durability } from './options.js';

/**
 * The one module that talks to LMDB. Everything above it sees snapshots, write scopes and byte
 * ranges, so another backend (in-memory, distributed) can replace this file without touching the
 * transaction logic or the primitives.
 *
 * Sub-databases: `data` (binary keys → stored entries, with LMDB entry versions), `log` (commit
 * version → commit record), `ttl` (expiry index: 8-byte big-endian expiry ‖ data key → empty),
 * `meta` (the commit-version counter and log bookkeeping) and `claims` (data key → a starving
 * transaction's claim on it: 8-byte big-endian expiry ‖ owner token; see claims.ts).
 */

/** One stored data entry: the stored bytes (see stored-entry.ts) and its entry version. */
export interface RawEntry {
  key: Uint8Array;
  stored: Uint8Array;
  version: number;
}

/** Reads against one consistent state: a pinned snapshot, or the write transaction itself. */
export interface ReadView {
  get(key: Uint8Array): RawEntry | undefined;
  /** Entries in `[start, end)`, ascending, or descending with `reverse`. Lazy. */
  range(start: Uint8Array, end: Uint8Array, reverse?: boolean): Iterable<RawEntry>;
}

/** A pinned LMDB read transaction. Always `release()` it. */
export interface Snapshot extends ReadView {
  release(): void;
}

/** What a commit may do inside the LMDB write transaction. Every call is synchronous. */
export interface WriteScope extends ReadView {
  put(key: Uint8Array, stored: Uint8Array, version: number): void;
  remove(key: Uint8Array): void;
  ttlAdd(expiresAt: number, key: Uint8Array): void;
  ttlRemove(indexKey: Uint8Array): void;
  /** Expiry-index entries due at or before `now`, oldest first. */
  ttlDue(now: number, limit: number): { indexKey: Uint8Array; expiresAt: number; key: Uint8Array }[];
  /** Writes the log entry of a batch, keyed by its first commit version. */
  logAppend(first: number, entry: Uint8Array): void;
  logRemove(first: number): void;
  /** Retained log entries from the oldest, at most `limit`. */
  logOldest(limit: number): { first: number; entry: Uint8Array }[];
  metaGet(name: MetaName): number;
  metaSet(name: MetaName, value: number): void;
  /** True when any claim is stored (one cursor step: lets a batch skip per-key claim lookups). */
  claimsAny(): boolean;
  claimGet(key: Uint8Array): Claim | undefined;
  claimPut(key: Uint8Array, claim: Claim): void;
  claimRemove(key: Uint8Array): void;
}

/** A claim on a data key: who holds it and until when (ms since the epoch, wall clock). */
export interface Claim {
  token: string;
  expiresAt: number;
}

/** Numeric records of the meta sub-database. */
export type MetaName = 'version' | 'logTrimmedThrough';

const compare = Buffer.compare;

/** lmdb-js members this module uses that its type definitions leave out. */
interface LmdbInternals {
  /** The id of the write transaction in progress. */
  getWriteTxnId(): number;
  /** The native environment: `info().lastTxnId` is the id on the newest meta page. */
  env: { info(): { lastTxnId: number } };
}

/** What a write callback returns when its transaction started from a stale state (it wrote nothing). */
const STALE: unique symbol = Symbol('stale write transaction');

/** Unrepairable stale starts in a row before a write is refused (another opener may race the repair). */
const MAX_UNREPAIRED_STARTS = 100;

function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

function* boundedRange(
  db: LmdbDatabase<Buffer, Buffer>,
  start: Uint8Array,
  end: Uint8Array,
  reverse: boolean,
  transaction: LmdbReadTxn | undefined,
): Iterable<RawEntry> {
  const base = transaction === undefined ? {} : { transaction };
  if (!reverse) {
    for (const e of db.getRange({ ...base, start: asBuffer(start), end: asBuffer(end), versions: true })) {
      yield { key: e.key, stored: e.value, version: e.version ?? 0 };
    }
    return;
  }
  // lmdb-js reverse ranges include `start` and exclude `end`; we need [start, end) walked downwards.
  for (const e of db.getRange({ ...base, start: asBuffer(end), reverse: true, versions: true })) {
    if (compare(e.key, end) >= 0) continue;
    if (compare(e.key, start) < 0) return;
    yield { key: e.key, stored: e.value, version: e.version ?? 0 };
  }
}

function ttlIndexKey(expiresAt: number, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(8 + key.length);
  out.writeDoubleBE(expiresAt, 0); // expiries are non-negative, so big-endian doubles sort numerically
  out.set(key, 8);
  return out;
}

export interface StorageOptions {
  path: string | undefined;
  durability: Durability;
  readOnly: boolean;
}

/** An open LMDB environment with AgentDB's sub-databases. */
export class Storage {
  readonly path: string;
  readonly #temporary: boolean;
  readonly #env: RootDatabase;
  readonly #data: LmdbDatabase<Buffer, Buffer>;
  readonly #log: LmdbDatabase<Buffer, number>;
  readonly #ttl: LmdbDatabase<Buffer, Buffer>;
  readonly #meta: LmdbDatabase<number, string>;
  readonly #claims: LmdbDatabase<Buffer, Buffer>;
  /** LMDB's lock file, for repairing a stale start (lock-file.ts); absent when opened read-only. */
  readonly #lock: LockFile | undefined;
  /** Entries read through snapshots and latest reads (not commit validation): the read counter. */
  reads = 0;
  /** Write transactions LMDB started from an older state than the newest commit, repaired and re-run. */
  staleStarts = 0;
  /** Stale starts in a row that could not be repaired (see #startsFromNewest). */
  #unrepaired = 0;

  private constructor(path: string, temporary: boolean, env: RootDatabase, lock: LockFile | undefined) {
    this.path = path;
    this.#temporary = temporary;
    this.#env = env;
    this.#lock = lock;
    this.#data = env.openDB<Buffer, Buffer>({
      name: 'data',
      keyEncoding: 'binary',
      encoding: 'binary',
      useVersions: true,
    });
    this.#log = env.openDB<Buffer, number>({ name: 'log', encoding: 'binary' });
    this.#ttl = env.openDB<Buffer, Buffer>({ name: 'ttl', keyEncoding: 'binary', encoding: 'binary' });
    this.#meta = env.openDB<number, string>({ name: 'meta' });
    this.#claims = env.openDB<Buffer, Buffer>({ name: 'claims', keyEncoding: 'binary', encoding: 'binary' });
  }

  /**
   * Opens (creating if needed) the environment for a directory, or a temporary one. A writable one
   * then runs one empty write transaction, which repairs the lock file if this very open raced with a
   * commit in another process (lock-file.ts), so readers do not go on seeing the state before it.
   */
  static async open(opts: StorageOptions): Promise<Storage> {
    const storage = Storage.#openEnv(opts);
    if (!opts.readOnly) {
      try {
        await storage.write(() => undefined);
      } catch (cause) {
        await storage.close();
        throw cause;
      }
    }
    return storage;
  }

  static #openEnv(opts: StorageOptions): Storage {
    const temporary = opts.path === undefined;
    const path = opts.path ?? mkdtempSync(join(tmpdir(), 'agentdb-'));
    if (opts.readOnly) {
      try {
        statSync(join(path, 'data.mdb')); // a directory holding an LMDB environment
      } catch {
        throw new AgentDBError(
          'NOT_FOUND',
          `no AgentDB database at ${path} (expected ${join(path, 'data.mdb')})`,
        );
      }
    }
    try {
      const env = open({
        path,
        // A database is always a directory; lmdb-js would otherwise treat a path whose last part has a
        // dot in it (`./agent.data`) as a single file.
        noSubdir: false,
        maxDbs: 8,
        compression: false,
        readOnly: opts.readOnly,
        // No overlappingSync, the same in every process whatever its durability (README, "Multi-process
        // notes"). `strict` then syncs inside each commit; `buffered` syncs the data pages but not the
        // meta page (noMetaSync: an OS crash can undo the last commits, never tear one); `memory` is
        // temporary by design, the only place noSync is safe.
        overlappingSync: false,
        ...(opts.durability === 'memory' ? { noSync: true } : {}),
        ...(opts.durability === 'buffered' ? { noMetaSync: true } : {}),
      });
      return new Storage(path, temporary, env, opts.readOnly ? undefined : LockFile.open(path));
    } catch (cause) {
      if (temporary) rmSync(path, { recursive: true, force: true });
      throw new AgentDBError('STORAGE', `cannot open the database at ${path}: ${String(cause)}`, { cause });
    }
  }

  /** Pins a consistent snapshot of the data. */
  snapshot(): Snapshot {
    const transaction = this.#env.useReadTransaction();
    const data = this.#data;
    let released = false;
    return {
      get: (key) => {
        this.reads++;
        const e = data.getEntry(asBuffer(key), { transaction });
        return e === undefined ? undefined : { key, stored: e.value, version: e.version ?? 0 };
      },
      range: (start, end, reverse = false) =>
        this.#counted(boundedRange(data, start, end, reverse, transaction)),
      release: () => {
        if (released) return;
        released = true;
        transaction.done();
      },
    };
  }

  *#counted(entries: Iterable<RawEntry>): Iterable<RawEntry> {
    for (const e of entries) {
      this.reads++;
      yield e;
    }
  }

  /** A counted read of the latest committed entry, outside any snapshot. */
  readLatest(key: Uint8Array): RawEntry | undefined {
    this.reads++;
    return this.getLatest(key);
  }

  /** A read of the latest committed entry, outside any snapshot. */
  getLatest(key: Uint8Array): RawEntry | undefined {
    const e = this.#data.getEntry(asBuffer(key));
    return e === undefined ? undefined : { key, stored: e.value, version: e.version ?? 0 };
  }

  /**
   * Runs `fn` inside an LMDB write transaction that lmdb-js batches with every other write queued in
   * the same event turn (group commit). `fn` must be synchronous and must not throw after writing:
   * lmdb-js would commit its partial writes along with the batch. `fn` only ever runs in a write
   * transaction that starts from the newest commit: a stale start is repaired and run again first.
   */
  async write<T>(fn: (scope: WriteScope) => T): Promise<T> {
    for (;;) {
      const out = await this.#env.transaction(() => (this.#startsFromNewest() ? fn(this.#scope) : STALE));
      if (out !== STALE) return out as T;
    }
  }

  /**
   * True when the current write transaction starts from the newest committed state. LMDB starts a
   * write transaction from the meta page its lock file names, which a process opening the directory
   * can leave naming an older one (lock-file.ts). On such a stale start nothing has been written
   * yet: the lock file is repaired (we hold the writer lock) and false tells the caller to run again.
   */
  #startsFromNewest(): boolean {
    const env = this.#env as unknown as LmdbInternals;
    const base = env.getWriteTxnId() - 1;
    const newest = env.env.info().lastTxnId;
    if (newest <= base) {
      this.#unrepaired = 0;
      return true;
    }
    this.staleStarts++;
    if (this.#lock?.repair(base, newest)) return false;
    // Not repaired: another opener stored an id meanwhile (the next start reads it afresh), or the
    // lock file is not laid out as lock-file.ts expects. Refuse rather than retry forever.
    if (++this.#unrepaired > MAX_UNREPAIRED_STARTS) {
      throw new AgentDBError(
        'STORAGE',
        `LMDB keeps starting write transactions from transaction ${base} although ${newest} is committed, ` +
          'and the lock file could not be repaired; nothing was written. Close every process using ' +
          `${this.path} and open it again (the first opener rebuilds the lock file).`,
      );
    }
    return false;
  }

  /** Resolves when every commit so far is flushed to disk. */
  async flushed(): Promise<void> {
    await this.#env.flushed;
  }

  #syncTimer: NodeJS.Timeout | undefined;
  #syncing: Promise<void> | undefined;

  /**
   * Makes sure a full sync (the meta page included) happens within `ms`: `buffered` commits sync their
   * data pages but defer the meta page to the next commit, and the last commit must not wait forever.
   */
  syncWithin(ms: number): void {
    if (this.#syncTimer !== undefined) return;
    this.#syncTimer = setTimeout(() => {
      this.#syncTimer = undefined;
      // The sync runs on a native thread: close() must wait for it, or it would outlive the
      // environment (test/buffered-sync.test.ts crashed its process before). `sync` exists on lmdb-js
      // environments but is missing from its type definitions. A failed sync leaves the commits as
      // durable as noMetaSync made them.
      const env = this.#env as unknown as { sync(done: (error?: Error) => void): void };
      this.#syncing = new Promise((resolve) => {
        env.sync(() => {
          this.#syncing = undefined;
          resolve();
        });
      });
    }, ms);
    this.#syncTimer.unref();
  }

  readonly #scope: WriteScope = {
    get: (key) => this.getLatest(key),
    range: (start, end, reverse = false) => boundedRange(this.#data, start, end, reverse, undefined),
    put: (key, stored, version) => {
      this.#data.putSync(asBuffer(key), asBuffer(stored), version);
    },
    remove: (key) => {
      this.#data.removeSync(asBuffer(key));
    },
    ttlAdd: (expiresAt, key) => {
      this.#ttl.putSync(ttlIndexKey(expiresAt, key), Buffer.alloc(0));
    },
    ttlRemove: (indexKey) => {
      this.#ttl.removeSync(asBuffer(indexKey));
    },
    ttlDue: (now, limit) => {
      const out: { indexKey: Uint8Array; expiresAt: number; key: Uint8Array }[] = [];
      for (const { key } of this.#ttl.getRange({ start: Buffer.alloc(0), limit })) {
        const expiresAt = key.readDoubleBE(0);
        if (expiresAt > now) break;
        out.push({ indexKey: key, expiresAt, key: key.subarray(8) });
      }
      return out;
    },
    logAppend: (first, entry) => {
      this.#log.putSync(first, asBuffer(entry));
    },
    logRemove: (first) => {
      this.#log.removeSync(first);
    },
    logOldest: (limit) =>
      [...this.#log.getRange({ limit })].map(({ key, value }) => ({ first: key, entry: value })),
    metaGet: (name) => this.#meta.get(name) ?? 0,
    metaSet: (name, value) => {
      this.#meta.putSync(name, value);
    },
    claimsAny: () => {
      for (const _ of this.#claims.getKeys({ limit: 1 })) return true;
      return false;
    },
    claimGet: (key) => {
      const bytes = this.#claims.get(asBuffer(key));
      if (bytes === undefined) return undefined;
      return { expiresAt: bytes.readDoubleBE(0), token: bytes.toString('latin1', 8) };
    },
    claimPut: (key, claim) => {
      const bytes = Buffer.allocUnsafe(8 + claim.token.length);
      bytes.writeDoubleBE(claim.expiresAt, 0);
      bytes.write(claim.token, 8, 'latin1');
      this.#claims.putSync(asBuffer(key), bytes);
    },
    claimRemove: (key) => {
      this.#claims.removeSync(asBuffer(key));
    },
  };

  /** Every data entry, ascending (verification and replay). */
  allData(): Iterable<RawEntry> {
    return boundedRange(this.#data, Buffer.alloc(0), Buffer.from([0xff, 0xff, 0xff, 0xff]), false, undefined);
  }

  /** Retained log entries from the one holding commit `from` onwards, ascending, at most `limit`. */
  logFrom(from: number, limit?: number): { first: number; entry: Uint8Array }[] {
    // The entry holding `from` starts at or before it.
    let start = from;
    for (const key of this.#log.getKeys({ start: from, reverse: true, limit: 1 })) start = key;
    const range = this.#log.getRange(limit === undefined ? { start } : { start, limit });
    return [...range].map(({ key, value }) => ({ first: key, entry: value }));
  }

  /** Whether an expiry-index entry exists for a key with this expiry. */
  hasTtlEntry(expiresAt: number, key: Uint8Array): boolean {
    return this.#ttl.doesExist(ttlIndexKey(expiresAt, key));
  }

  metaGet(name: MetaName): number {
    return this.#meta.get(name) ?? 0;
  }

  /** Count of data entries (LMDB keeps it; no scan). */
  dataCount(): number {
    return (this.#data.getStats() as { entryCount: number }).entryCount;
  }

  /** Bytes of the data file on disk. */
  sizeBytes(): number {
    try {
      return statSync(join(this.path, 'data.mdb')).size;
    } catch {
      return 0;
    }
  }

  /** Closes the environment; a temporary directory is removed. */
  async close(): Promise<void> {
    clearTimeout(this.#syncTimer);
    await this.#syncing;
    await this.#env.close();
    this.#lock?.close();
    if (this.#temporary) rmSync(this.path, { recursive: true, force: true });
  }
}
