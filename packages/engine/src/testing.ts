import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@agentdb/core';
import { Database } from './database.js';
import type { DatabaseOptions } from './options.js';
import { STORAGE_ACCESS } from './storage-access.js';
import type { WriteOp } from './write-scope.js';

/**
 * Test fixtures on the real backend, shared by every package's tests (no mocks): a real LMDB
 * directory per fixture, a controllable clock, and clean-up. Exported as `@agentdb/engine/testing`.
 */

/** A clock tests move by hand. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

/**
 * A clock that stands still until told to move.
 *
 * @example
 * const clock = manualClock();
 * const db = await Database.open({ path, clock });
 * clock.advance(1_000);
 */
export function manualClock(start = 1_700_000_000_000): ManualClock {
  let now = start;
  const clock = (() => now) as ManualClock;
  clock.advance = (ms) => {
    now += ms;
  };
  clock.set = (ms) => {
    now = ms;
  };
  return clock;
}

/** A fresh temporary directory; removed by the fixture's `dispose`. @example const dir = tempDir() */
export function tempDir(prefix = 'agentdb-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A database in its own directory, which can be closed and reopened. */
export interface TestDatabase {
  db: Database;
  path: string;
  /** Closes (if open) and opens the same directory again with the same options (plus `overrides`). */
  reopen(overrides?: Omit<DatabaseOptions, 'path'>): Promise<Database>;
  /** Closes and removes the directory. */
  dispose(): Promise<void>;
}

/**
 * Opens a database on disk in a new temporary directory. Defaults to `strict` durability and no
 * background sweeper (tests call `sweepExpired()`), both overridable.
 *
 * @example
 * let t: TestDatabase;
 * beforeEach(async () => { t = await openTestDatabase(); });
 * afterEach(() => t.dispose());
 */
export async function openTestDatabase(opts: Omit<DatabaseOptions, 'path'> = {}): Promise<TestDatabase> {
  const path = tempDir();
  const options: DatabaseOptions = { sweepIntervalMs: 0, durability: 'strict', ...opts, path };
  const fixture: TestDatabase = {
    db: await Database.open(options),
    path,
    async reopen(overrides = {}) {
      await fixture.db.close();
      fixture.db = await Database.open({ ...options, ...overrides, path });
      return fixture.db;
    },
    async dispose() {
      await fixture.db.close();
      rmSync(path, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Raw access to the stored data entries of a closed database, for tamper and corruption tests. */
export interface RawData {
  /** The stored bytes at `key`: a flags byte, an optional 8-byte expiry, then the CBOR value. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Overwrites the stored bytes at `key` (keeping `version`, by default the current one). */
  put(key: Uint8Array, stored: Uint8Array, version?: number): void;
  remove(key: Uint8Array): void;
  /** Every key of the data sub-database within [start, end). */
  keys(start: Uint8Array, end: Uint8Array): Uint8Array[];
  close(): Promise<void>;
}

/**
 * Opens the data sub-database of a (closed) database directory directly through LMDB, bypassing the
 * engine and its commit log: what an attacker or a disk fault could do.
 *
 * @example
 * await t.db.close();
 * const raw = await openRawData(t.path);
 * const bytes = raw.get(Key.event(run, 3))!;
 * bytes[bytes.length - 1] ^= 0xff;
 * raw.put(Key.event(run, 3), bytes);
 * await raw.close();
 */
export async function openRawData(path: string): Promise<RawData> {
  const { open } = await import('lmdb');
  const env = open({ path, noSubdir: false, maxDbs: 8, compression: false });
  const data = env.openDB<Buffer, Buffer>({
    name: 'data',
    keyEncoding: 'binary',
    encoding: 'binary',
    useVersions: true,
  });
  const buf = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length);
  return {
    get: (key) => data.get(buf(key)),
    put: (key, stored, version) => {
      data.putSync(buf(key), Buffer.from(stored), version ?? data.getEntry(buf(key))?.version ?? 1);
    },
    remove: (key) => {
      data.removeSync(buf(key));
    },
    keys: (start, end) => [...data.getKeys({ start: buf(start), end: buf(end) })],
    close: () => env.close(),
  };
}

/** Raw access to the commit-log sub-database of a closed database, for corruption tests. */
export interface RawLog {
  /** The first commit version of every log entry (entries are keyed by it), ascending. */
  firsts(): number[];
  /** The encoded log entry starting at commit `first` (see commit-log.ts for its layout). */
  get(first: number): Uint8Array | undefined;
  put(first: number, entry: Uint8Array): void;
  remove(first: number): void;
  close(): Promise<void>;
}

/**
 * Opens the commit-log sub-database of a (closed) database directory directly through LMDB, like
 * `openRawData` does for the data: for tests that damage the log and check `verify`/`changes`.
 *
 * @example
 * await t.db.close();
 * const log = await openRawLog(t.path);
 * log.remove(log.firsts()[1]!);
 * await log.close();
 */
export async function openRawLog(path: string): Promise<RawLog> {
  const { open } = await import('lmdb');
  const env = open({ path, noSubdir: false, maxDbs: 8, compression: false });
  const log = env.openDB<Buffer, number>({ name: 'log', encoding: 'binary' });
  return {
    firsts: () => [...log.getKeys()],
    get: (first) => log.get(first),
    put: (first, entry) => {
      log.putSync(first, Buffer.from(entry));
    },
    remove: (first) => {
      log.removeSync(first);
    },
    close: () => env.close(),
  };
}

/**
 * Makes storage writes of `db` fail, for fault-injection tests: before every write operation of a
 * commit (a data put or delete, an expiry-index entry, the log entry, the version counter, a claim),
 * `fail(op, n)` is asked — `n` counts the operations from 1 — and when it returns true the operation
 * throws instead of writing. Returns a function that stops the injection.
 *
 * @example
 * const stop = failStorageWrites(db, (op, n) => n === 3);
 * await expect(db.transaction((tx) => { tx.put(a, 1); tx.put(b, 2); })).rejects.toMatchObject({ code: 'STORAGE' });
 * stop();
 */
export function failStorageWrites(db: Database, fail: (op: WriteOp, n: number) => boolean): () => void {
  const storage = Database[STORAGE_ACCESS](db);
  let n = 0;
  storage.beforeWrite = (op) => {
    if (fail(op, ++n)) throw new Error(`injected storage failure at write ${n} (${op})`);
  };
  return () => {
    storage.beforeWrite = undefined;
  };
}
