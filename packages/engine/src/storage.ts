import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AgentDBError } from '@agentdb/core';
import { getLastVersion, open, type RootDatabase } from 'lmdb';
import { logEntryHeader } from './commit-log.js';
import { checkDataFile } from './data-file.js';
import { ensureDirectory, memoryDirectory } from './directory.js';
import { commitFailure, storageError } from './lmdb-errors.js';
import { LockFile } from './lock-file.js';
import type { Durability } from './options.js';
import { asBuffer, boundedRange, type RawEntry } from './read-view.js';
import { LmdbSnapshot, type Snapshot } from './snapshot.js';
import { StagedScope } from './staged-scope.js';
import {
  type MetaName,
  type SubDatabases,
  ttlIndexKey,
  type WriteOp,
  type WriteScope,
  writeScope,
} from './write-scope.js';

/**
 * The one module that talks to LMDB. Everything above it sees snapshots, write scopes and byte
 * ranges, so another backend (in-memory, distributed) can replace this file without touching the
 * transaction logic or the primitives. Every error lmdb-js throws leaves here as an `AgentDBError`
 * (lmdb-errors.ts).
 *
 * Sub-databases: `data` (binary keys → stored entries, with LMDB entry versions), `log` (commit
 * version → commit record), `ttl` (expiry index: 8-byte big-endian expiry ‖ data key → empty),
 * `meta` (the commit-version counter and log bookkeeping) and `claims` (data key → a starving
 * transaction's claim on it: 8-byte big-endian expiry ‖ owner token; see claims.ts).
 */

/** lmdb-js members this module uses that its type definitions leave out. */
interface LmdbInternals {
  /** The id of the write transaction in progress. */
  getWriteTxnId(): number;
  /** The native environment: `info().lastTxnId` is the id on the newest meta page. */
  env: { info(): { lastTxnId: number } };
  /** A thenable of the current write batch's commit. */
  committed: PromiseLike<unknown>;
  /** Syncs everything committed so far to disk, on a native thread. */
  sync(done: (error?: Error) => void): void;
}

/** What a write callback returns when its transaction started from a stale state (it wrote nothing). */
const STALE: unique symbol = Symbol('stale write transaction');

/** Unrepairable stale starts in a row before a write is refused (another opener may race the repair). */
const MAX_UNREPAIRED_STARTS = 100;

const noop = () => {};

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
  readonly #lmdb: LmdbInternals;
  readonly #dbs: SubDatabases;
  readonly #scope: WriteScope;
  /** LMDB's lock file, for repairing a stale start (lock-file.ts); absent when opened read-only. */
  readonly #lock: LockFile | undefined;
  /** Entries read through snapshots and latest reads (not commit validation): the read counter. */
  reads = 0;
  /** Write transactions LMDB started from an older state than the newest commit, repaired and re-run. */
  staleStarts = 0;
  /** Write transactions committed by `writeInline`. */
  inlineWrites = 0;
  /** Stale starts in a row that could not be repaired (see #startsFromNewest). */
  #unrepaired = 0;
  /** Test seam (testing.ts): runs before every write operation of a commit, and may throw. */
  beforeWrite: ((op: WriteOp) => void) | undefined;
  readonly #counted = () => {
    this.reads++;
  };

  private constructor(path: string, temporary: boolean, env: RootDatabase, lock: LockFile | undefined) {
    this.path = path;
    this.#temporary = temporary;
    this.#env = env;
    this.#lmdb = env as unknown as LmdbInternals;
    this.#lock = lock;
    this.#dbs = {
      data: env.openDB<Buffer, Buffer>({
        name: 'data',
        keyEncoding: 'binary',
        encoding: 'binary',
        useVersions: true,
      }),
      log: env.openDB<Buffer, number>({ name: 'log', encoding: 'binary' }),
      ttl: env.openDB<Buffer, Buffer>({ name: 'ttl', keyEncoding: 'binary', encoding: 'binary' }),
      meta: env.openDB<number, string>({ name: 'meta' }),
      claims: env.openDB<Buffer, Buffer>({ name: 'claims', keyEncoding: 'binary', encoding: 'binary' }),
    };
    this.#scope = writeScope(this.#dbs);
  }

  /**
   * Opens (creating if needed) the environment for a directory, or a temporary one. A writable one
   * then runs one empty write transaction, which repairs the lock file if this very open raced with a
   * commit in another process (lock-file.ts), so readers do not go on seeing the state before it.
   */
  static async open(opts: StorageOptions): Promise<Storage> {
    const temporary = opts.path === undefined;
    const path = opts.path ?? memoryDirectory();
    if (opts.readOnly) {
      try {
        statSync(join(path, 'data.mdb')); // a directory holding an LMDB environment
      } catch {
        throw new AgentDBError(
          'NOT_FOUND',
          `no AgentDB database at ${path} (expected ${join(path, 'data.mdb')})`,
        );
      }
    } else {
      ensureDirectory(path);
    }
    await checkDataFile(path);
    const storage = Storage.#openEnv(path, temporary, opts);
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

  static #openEnv(path: string, temporary: boolean, opts: StorageOptions): Storage {
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
      throw storageError(cause, `cannot open the database at ${path}`);
    }
  }

  /** Pins a consistent snapshot of the data. */
  snapshot(): Snapshot {
    try {
      return new LmdbSnapshot(this.#env.useReadTransaction(), this.#dbs.data, this.#counted);
    } catch (error) {
      throw storageError(error, 'opening a read snapshot');
    }
  }

  /** A counted read of the latest committed entry, outside any snapshot. */
  readLatest(key: Uint8Array): RawEntry | undefined {
    this.reads++;
    try {
      const e = this.#dbs.data.getEntry(asBuffer(key));
      return e === undefined ? undefined : { key, stored: e.value, version: e.version ?? 0 };
    } catch (error) {
      throw storageError(error, 'reading');
    }
  }

  /**
   * A counted read of the latest committed entry that hands its bytes to `use` without copying them:
   * they are lmdb-js's shared read buffer, valid only until the next read, so `use` must be done with
   * them when it returns (decoding copies what it keeps: the codec copies byte strings).
   */
  readLatestWith<T, A>(
    key: Uint8Array,
    use: (stored: Uint8Array, version: number, arg: A) => T,
    arg: A,
  ): T | undefined {
    this.reads++;
    let stored: Uint8Array | undefined;
    let version: number;
    try {
      stored = this.#dbs.data.getBinaryFast(asBuffer(key));
      version = getLastVersion();
    } catch (error) {
      throw storageError(error, 'reading');
    }
    return stored === undefined ? undefined : use(stored, version, arg);
  }

  /** Asynchronous write transactions started and not yet settled (see `canWriteInline`). */
  #asyncWrites = 0;

  /**
   * Runs `fn` inside an LMDB write transaction that lmdb-js batches with every other write queued in
   * the same event turn (group commit). `fn` must be synchronous. It writes to a staged scope that
   * reaches LMDB only once `fn` has returned (staged-scope.ts): if `fn` throws, nothing of it is
   * written, so a failed commit has not happened. It only ever runs in a write transaction that starts
   * from the newest commit: a stale start is repaired and run again first. A batch that fails to
   * commit (disk full, I/O error) rejects with `STORAGE`, nothing of it written.
   */
  async write<T>(fn: (scope: StagedScope) => T): Promise<T> {
    this.#asyncWrites++;
    try {
      for (;;) {
        let out: T | typeof STALE;
        try {
          out = await this.#env.transaction(() => {
            // lmdb-js also rejects an internal promise of a failed batch that nobody awaits, which
            // would crash the process as an unhandled rejection: this marks it handled.
            this.#lmdb.committed.then(undefined, noop);
            return this.#staged(fn);
          });
        } catch (error) {
          throw storageError(await commitFailure(error), 'the commit failed and nothing of it was written');
        }
        if (out !== STALE) return out;
      }
    } finally {
      this.#asyncWrites--;
    }
  }

  /**
   * True when `writeInline` may run now: no asynchronous write transaction of this environment is
   * queued or running. Begun while lmdb-js's write thread has a batch open, `transactionSync` joins
   * that batch instead of committing on its own, so an in-line commit would be acknowledged before
   * the batch's fsync (test/inline-commit.test.ts).
   */
  canWriteInline(): boolean {
    return this.#asyncWrites === 0;
  }

  /**
   * `write`, committed on this thread before it returns (lmdb-js `transactionSync`): no hand-off to
   * lmdb-js's write thread and back, which costs a lone commit about a third of its time. With
   * `strict` the commit is on disk when this returns. It blocks the event loop until it has LMDB's
   * writer lock (held by another process's commit meanwhile) and through the commit and its fsync.
   * Only when `canWriteInline()`. Failures throw `STORAGE`, nothing written, as `write` rejects.
   */
  writeInline<T>(fn: (scope: StagedScope) => T): T {
    for (;;) {
      let out: T | typeof STALE;
      try {
        out = this.#env.transactionSync(() => this.#staged(fn));
      } catch (error) {
        throw storageError(error, 'the commit failed and nothing of it was written');
      }
      if (out !== STALE) {
        this.inlineWrites++;
        return out;
      }
    }
  }

  /** The body of a write transaction: check its start, stage `fn`'s writes, write them through. */
  #staged<T>(fn: (scope: StagedScope) => T): T | typeof STALE {
    if (!this.#startsFromNewest()) return STALE;
    const staged = new StagedScope(this.#scope, (op) => this.beforeWrite?.(op));
    const result = fn(staged);
    staged.writeThrough();
    return result;
  }

  /**
   * True when the current write transaction starts from the newest committed state. LMDB starts a
   * write transaction from the meta page its lock file names, which a process opening the directory
   * can leave naming an older one (lock-file.ts). On such a stale start nothing has been written
   * yet: the lock file is repaired (we hold the writer lock) and false tells the caller to run again.
   */
  #startsFromNewest(): boolean {
    const base = this.#lmdb.getWriteTxnId() - 1;
    const newest = this.#lmdb.env.info().lastTxnId;
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
    try {
      await this.#env.flushed;
    } catch (error) {
      throw storageError(await commitFailure(error), 'flushing commits to disk');
    }
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
      // environment (test/buffered-sync.test.ts crashed its process before). A failed sync leaves the
      // commits as durable as noMetaSync made them; the next commit's sync tries again.
      this.#syncing = new Promise((resolve) => {
        this.#lmdb.sync(() => {
          this.#syncing = undefined;
          resolve();
        });
      });
    }, ms);
    this.#syncTimer.unref();
  }

  /** Every data entry, ascending (verification and replay). */
  allData(): Iterable<RawEntry> {
    return this.#guarded(
      () =>
        boundedRange(
          this.#dbs.data,
          Buffer.alloc(0),
          Buffer.from([0xff, 0xff, 0xff, 0xff]),
          false,
          undefined,
        ),
      'reading the data',
    );
  }

  *#guarded<E>(entries: () => Iterable<E>, doing: string): Iterable<E> {
    try {
      yield* entries();
    } catch (error) {
      throw storageError(error, doing);
    }
  }

  /** Retained log entries from the one holding commit `from` onwards, ascending, at most `limit`. */
  logFrom(from: number, limit?: number): { first: number; entry: Uint8Array }[] {
    try {
      // The entry holding `from` starts at or before it.
      let start = from;
      for (const key of this.#dbs.log.getKeys({ start: from, reverse: true, limit: 1 })) start = key;
      const range = this.#dbs.log.getRange(limit === undefined ? { start } : { start, limit });
      return [...range].map(({ key, value }) => ({ first: key, entry: value }));
    } catch (error) {
      throw storageError(error, 'reading the commit log');
    }
  }

  /** Whether an expiry-index entry exists for a key with this expiry. */
  hasTtlEntry(expiresAt: number, key: Uint8Array): boolean {
    try {
      return this.#dbs.ttl.doesExist(ttlIndexKey(expiresAt, key));
    } catch (error) {
      throw storageError(error, 'reading the expiry index');
    }
  }

  metaGet(name: MetaName): number {
    try {
      return this.#dbs.meta.get(name) ?? 0;
    } catch (error) {
      throw storageError(error, 'reading the meta record');
    }
  }

  /** The timestamp of the newest commit in the log (0 when there is none, or it is damaged). */
  lastCommitTime(): number {
    try {
      for (const { value } of this.#dbs.log.getRange({ reverse: true, limit: 1 })) {
        return logEntryHeader(value)?.timestamp ?? 0;
      }
      return 0;
    } catch (error) {
      throw storageError(error, 'reading the commit log');
    }
  }

  /** Count of data entries (LMDB keeps it; no scan). */
  dataCount(): number {
    try {
      return (this.#dbs.data.getStats() as { entryCount: number }).entryCount;
    } catch (error) {
      throw storageError(error, 'reading statistics');
    }
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
