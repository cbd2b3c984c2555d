import { deepStrictEqual, fail, match, ok } from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AgentDBError,
  type Clock,
  type ErrorCode,
  isAgentDBError,
  type KeyRange,
  type Value,
} from '@agentdb/core';
import type { Engine } from './contract.js';
import { Database } from './database.js';
import type { DatabaseOptions } from './options.js';
import { Storage } from './storage.js';
import { STORAGE_ACCESS } from './storage-access.js';
import type { WriteOp } from './write-scope.js';

/**
 * The test kit every package's tests share (no mocks), exported as `@agentdb/engine/testing`: fixtures
 * on the real backend (a real LMDB directory per fixture, a controllable clock, clean-up), raw access
 * and fault injection for damage tests, store dumps and the `refused` check for bad-input tables,
 * replayable model-test runs, and — re-exported from `@agentdb/core/testing` — the hostile inputs and
 * bad-input tables themselves. The primitive contract suite is `@agentdb/engine/primitive-contract`.
 */

export * from '@agentdb/core/testing';

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
 * const db = await Database.open({ path: tempDir(), clock });
 * clock.advance(1_000); // every timestamp and TTL of db moves on by a second
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
 * const t = await openTestDatabase(); // in a beforeEach
 * await t.db.transaction((tx) => tx.put(Key.kv('run-1', 'k'), 1));
 * await t.dispose(); // in the afterEach: closes the database and removes its directory
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
  /** Writes the changes made through `put` and `remove` (in one LMDB transaction) and closes. */
  close(): Promise<void>;
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/**
 * Opens the data sub-database of a (closed) database directory directly, bypassing the engine and its
 * commit log: what an attacker or a disk fault could do. It goes through the engine's own storage
 * module, so the LMDB settings are the ones `storage.ts` owns. Changes are staged in memory (and read
 * back by `get` and `keys`) and written by `close`, in one LMDB transaction.
 *
 * @example
 * await t.db.close();
 * const raw = await openRawData(t.path);
 * const bytes = raw.get(Key.kv(run, 'plan'))!;
 * bytes[bytes.length - 1] ^= 0xff; // flip a bit of the stored value
 * raw.put(Key.kv(run, 'plan'), bytes);
 * await raw.close();
 */
export async function openRawData(path: string): Promise<RawData> {
  const storage = await Storage.open({ path, durability: 'strict', readOnly: false });
  const staged = new Map<string, { key: Uint8Array; stored: Uint8Array | null; version: number }>();
  const get = (key: Uint8Array) => {
    const change = staged.get(hex(key));
    return change === undefined ? storage.readLatest(key) : change.stored === null ? undefined : change;
  };
  return {
    get: (key) => get(key)?.stored ?? undefined,
    put: (key, stored, version) => {
      staged.set(hex(key), {
        key,
        stored: Uint8Array.from(stored),
        version: version ?? get(key)?.version ?? 1,
      });
    },
    remove: (key) => {
      staged.set(hex(key), { key, stored: null, version: 0 });
    },
    keys: (start, end) => {
      const found = new Map<string, Uint8Array>();
      const snapshot = storage.snapshot();
      try {
        for (const { key } of snapshot.range(start, end)) found.set(hex(key), key);
      } finally {
        snapshot.release();
      }
      for (const [id, change] of staged) {
        const inside = Buffer.compare(change.key, start) >= 0 && Buffer.compare(change.key, end) < 0;
        if (change.stored === null) found.delete(id);
        else if (inside) found.set(id, change.key);
      }
      return [...found.values()].sort(Buffer.compare);
    },
    close: async () => {
      try {
        if (staged.size > 0) {
          await storage.write((scope) => {
            for (const c of staged.values()) {
              if (c.stored === null) scope.remove(c.key);
              else scope.put(c.key, c.stored, c.version);
            }
          });
        }
      } finally {
        await storage.close();
      }
    },
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
  /** Writes the changes made through `put` and `remove` (in one LMDB transaction) and closes. */
  close(): Promise<void>;
}

/**
 * Opens the commit-log sub-database of a (closed) database directory directly, like `openRawData`
 * does for the data: for tests that damage the log and check `verify`/`changes`. Changes are staged
 * and written by `close`.
 *
 * @example
 * await t.db.close();
 * const log = await openRawLog(t.path);
 * log.remove(log.firsts()[1]!);
 * await log.close();
 */
export async function openRawLog(path: string): Promise<RawLog> {
  const storage = await Storage.open({ path, durability: 'strict', readOnly: false });
  const staged = new Map<number, Uint8Array | null>();
  const stored = () => new Map(storage.logFrom(0).map((e) => [e.first, e.entry]));
  return {
    firsts: () => {
      const all = stored();
      for (const [first, entry] of staged) entry === null ? all.delete(first) : all.set(first, entry);
      return [...all.keys()].sort((a, b) => a - b);
    },
    get: (first) => (staged.has(first) ? (staged.get(first) ?? undefined) : stored().get(first)),
    put: (first, entry) => {
      staged.set(first, Uint8Array.from(entry));
    },
    remove: (first) => {
      staged.set(first, null);
    },
    close: async () => {
      try {
        if (staged.size > 0) {
          await storage.write((scope) => {
            for (const [first, entry] of staged) {
              if (entry === null) scope.logRemove(first);
              else scope.logAppend(first, entry);
            }
          });
        }
      } finally {
        await storage.close();
      }
    },
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

/** Everything stored in some key ranges, as comparable plain data, and the engine's commit version. */
export interface StoreDump {
  /** The latest commit version: a refused call must not commit, even an empty change. */
  version: number;
  /** `[key as hex, value, entry version]`, in key order. */
  entries: [string, Value, number][];
}

/** Every key there is: all runs, every TypeTag, and the system records (the run index). */
const EVERY_KEY: KeyRange = { start: Uint8Array.of(0x00), end: Uint8Array.of(0xff) };

/**
 * Dumps what `engine` stores in `ranges` (default: every key) with its commit version, to compare
 * before and after a call.
 *
 * @example
 * const before = await dumpStore(db);
 * await expect(db.transaction((tx) => tx.put(Key.kv('run-1', ''), 1))).rejects.toThrow(); // an empty key
 * expect(await dumpStore(db)).toEqual(before);
 */
export async function dumpStore(
  engine: Engine,
  ranges: readonly KeyRange[] = [EVERY_KEY],
): Promise<StoreDump> {
  const entries: StoreDump['entries'] = [];
  for (const range of ranges) {
    for await (const e of engine.scan(range)) entries.push([hex(e.key), e.value, e.version]);
  }
  return { version: engine.stats().version, entries };
}

/** What `refused` checks besides the code. */
export interface RefusalCheck {
  /** The error's `path` (an `INVALID_VALUE` names the offending field): equal to a string, or matching. */
  path?: string | RegExp;
  /** The error's message contains this text, or matches this pattern. */
  message?: string | RegExp;
  /** The key ranges that must be unchanged (default: every key). */
  ranges?: readonly KeyRange[];
}

/**
 * Runs `call` and checks that it is refused with an `AgentDBError` of `code` (a rejection or a throw)
 * and that the store is exactly as it was — no entry changed and no commit made. Returns the error for
 * further checks. The assertion errors are `node:assert`'s, so any test runner shows their diffs.
 *
 * @example
 * const invalid = { at: new Date(Number.NaN) };
 * await refused(db, () => db.transaction((tx) => tx.put(Key.kv('run-1', 'k'), invalid)), 'INVALID_VALUE', { path: 'value.at' });
 */
export async function refused(
  engine: Engine,
  call: () => unknown,
  code: ErrorCode,
  check: RefusalCheck = {},
): Promise<AgentDBError> {
  const before = await dumpStore(engine, check.ranges);
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  if (error === undefined) fail(`expected ${code}, but the call succeeded`);
  if (!isAgentDBError(error)) fail(`expected an AgentDBError with ${code}, got ${String(error)}`);
  deepStrictEqual(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`);
  const path = (error as { path?: unknown }).path;
  if (typeof check.path === 'string') deepStrictEqual(path, check.path);
  else if (check.path !== undefined) match(String(path), check.path);
  if (typeof check.message === 'string') ok(error.message.includes(check.message), error.message);
  else if (check.message !== undefined) match(error.message, check.message);
  deepStrictEqual(await dumpStore(engine, check.ranges), before, 'the refused call changed the store');
  return error;
}

/** fast-check parameters: how many runs, and the seed and path to replay. */
export interface ModelRunOptions {
  numRuns: number;
  seed?: number;
  path?: string;
}

/**
 * The fast-check parameters of a model test: `numRuns` runs, or the one failure named by the
 * environment — fast-check prints the seed and path of a failure, and
 * `MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run test/model.test.ts` replays it.
 *
 * @example
 * const ops = fc.array(fc.constantFrom('put', 'delete'), { maxLength: 5 });
 * await fc.assert(fc.asyncProperty(ops, async (steps) => { expect(steps.length).toBeLessThan(6); }), modelRunOptions(50));
 */
export function modelRunOptions(numRuns: number): ModelRunOptions {
  const seed = process.env.MODEL_SEED;
  const path = process.env.MODEL_PATH;
  return {
    numRuns,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}
