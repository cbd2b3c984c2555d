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
  /** Entries read through snapshots and latest reads (not commit validation): the read counter. */
  reads = 0;
  /**
   * The highest commit version this process has seen, in a read or in its own commit. Commit versions
   * only grow, so a write transaction that sees an older state than this is not the latest state:
   * committing on it could lose writes, and `CommitBatch` refuses to.
   */
  versionSeen = 0;

  #saw(version: number): void {
    if (version > this.versionSeen) this.versionSeen = version;
  }

  private constructor(path: string, temporary: boolean, env: RootDatabase) {
    this.path = path;
    this.#temporary = temporary;
    this.#env = env;
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

  /** Opens (creating if needed) the environment for a directory, or a temporary one. */
  static open(opts: StorageOptions): Storage {
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
        // No overlappingSync, whatever the mode: with it, lmdb-js writes each flushed transaction's
        // meta page from a sync thread outside the writer lock, and one of our two-process test runs
        // saw a write transaction start from an older state than the process had already read (the
        // stale-view guard in CommitBatch refused it). Plain LMDB commits are multi-process safe, the
        // flag is the same in every process whatever its durability, and the commit micro-benchmark
        // measured no difference. `strict` then syncs inside each commit; `buffered` syncs the data
        // pages but not the meta page (noMetaSync: an OS crash can undo the last commits, never tear
        // one); `memory` is temporary by design, the only place noSync is safe.
        overlappingSync: false,
        ...(opts.durability === 'memory' ? { noSync: true } : {}),
        ...(opts.durability === 'buffered' ? { noMetaSync: true } : {}),
      });
      return new Storage(path, temporary, env);
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
        if (e === undefined) return undefined;
        this.#saw(e.version ?? 0);
        return { key, stored: e.value, version: e.version ?? 0 };
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
      this.#saw(e.version);
      yield e;
    }
  }

  /** A counted read of the latest committed entry, outside any snapshot. */
  readLatest(key: Uint8Array): RawEntry | undefined {
    this.reads++;
    const e = this.getLatest(key);
    if (e !== undefined) this.#saw(e.version);
    return e;
  }

  /** Records the last version of a batch this process committed. */
  committed(version: number): void {
    this.#saw(version);
  }

  /** A read of the latest committed entry, outside any snapshot. */
  getLatest(key: Uint8Array): RawEntry | undefined {
    const e = this.#data.getEntry(asBuffer(key));
    return e === undefined ? undefined : { key, stored: e.value, version: e.version ?? 0 };
  }

  /**
   * Runs `fn` inside an LMDB write transaction that lmdb-js batches with every other write queued in
   * the same event turn (group commit). `fn` must be synchronous and must not throw after writing:
   * lmdb-js would commit its partial writes along with the batch.
   */
  write<T>(fn: (scope: WriteScope) => T): Promise<T> {
    return this.#env.transaction(() => fn(this.#scope)) as Promise<T>;
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
    if (this.#temporary) rmSync(this.path, { recursive: true, force: true });
  }
}
