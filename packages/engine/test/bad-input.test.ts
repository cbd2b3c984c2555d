import { Key, runRange } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Database, type Transaction } from '../src/index.js';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase();
  await t.db.transaction((tx) => tx.put(Key.kv('r', 'existing'), 1));
});
afterEach(() => t.dispose());

const k = Key.kv('r', 'k');
const cyclic: Record<string, unknown> = {};
cyclic.me = cyclic;

const cases: [string, string, (tx: Transaction) => unknown][] = [
  ['key too long', 'INVALID_ARGUMENT', (tx) => tx.put(new Uint8Array(1901), 1)],
  ['empty key', 'INVALID_ARGUMENT', (tx) => tx.put(new Uint8Array(0), 1)],
  ['key not bytes', 'INVALID_ARGUMENT', (tx) => tx.put('k' as never, 1)],
  ['non-encodable value', 'INVALID_VALUE', (tx) => tx.put(k, { f: () => 1 } as never)],
  ['cyclic value', 'INVALID_VALUE', (tx) => tx.put(k, cyclic as never)],
  ['value over the size limit', 'INVALID_VALUE', (tx) => tx.put(k, 'x'.repeat(2048))],
  ['negative ttl', 'INVALID_ARGUMENT', (tx) => tx.put(k, 1, { ttlMs: -1 })],
  ['NaN ttl', 'INVALID_ARGUMENT', (tx) => tx.put(k, 1, { ttlMs: Number.NaN })],
  ['zero ttl', 'INVALID_ARGUMENT', (tx) => tx.put(k, 1, { ttlMs: 0 })],
  ['bad delete key', 'INVALID_ARGUMENT', (tx) => tx.delete(null as never)],
  ['bad get key', 'INVALID_ARGUMENT', (tx) => tx.get(42 as never)],
  ['bad scan range', 'INVALID_ARGUMENT', (tx) => collect(tx.scan({ start: 1 } as never))],
  ['bad scan limit', 'INVALID_ARGUMENT', (tx) => collect(tx.scan(runRange('r'), { limit: 0 }))],
  ['mutate without a function', 'INVALID_ARGUMENT', (tx) => tx.mutate(k, 5 as never)],
  ['put options not an object', 'INVALID_ARGUMENT', (tx) => tx.put(k, 1, 5 as never)],
  ['scan options not an object', 'INVALID_ARGUMENT', (tx) => collect(tx.scan(runRange('r'), null as never))],
  [
    'scan reverse not a boolean',
    'INVALID_ARGUMENT',
    (tx) => collect(tx.scan(runRange('r'), { reverse: 1 as never })),
  ],
  [
    'scan includeExpired not a boolean',
    'INVALID_ARGUMENT',
    (tx) => collect(tx.scan(runRange('r'), { includeExpired: 'yes' as never })),
  ],
];

describe('bad input is refused with the documented code and the store is unchanged', () => {
  it.each(cases)('%s → %s', async (_name, code, act) => {
    const before = t.db.stats().version;
    const small = await t.reopen({ maxValueBytes: 1024 });
    await expect(
      small.transaction(async (tx) => {
        await act(tx);
      }),
    ).rejects.toMatchObject({ code });
    expect(small.stats().version).toBe(before);
    expect((await collect(small.scan(runRange('r')))).length).toBe(1);
  });

  it.each([
    ['retries 0', { retries: 0 }],
    ['retries 1.5', { retries: 1.5 }],
    ['timeoutMs -1', { timeoutMs: -1 }],
    ['bad runId', { runId: 'no spaces' }],
    ['null options', null],
  ])('transaction option %s → INVALID_ARGUMENT', async (_name, opts) => {
    await expect(t.db.transaction(() => 1, opts as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it.each([
    ['memory with a path', { path: '/tmp/x', durability: 'memory' }],
    ['strict without a path', { durability: 'strict' }],
    ['unknown durability', { durability: 'eventually' }],
    ['bad retention', { walRetention: { commits: 0 } }],
    ['bad clock', { clock: 5 }],
    ['bad flush interval', { flushIntervalMs: -5 }],
    ['options not an object', 'strict'],
    ['empty path', { path: '' }],
    ['retention not an object', { walRetention: 5 }],
    ['retention by age 0 ms', { walRetention: { ms: 0 } }],
    ['retention of unknown shape', { walRetention: { days: 1 } }],
    ['inlineCommits not a boolean', { path: '/tmp/x', inlineCommits: 'no' }],
  ])('open option %s → INVALID_ARGUMENT', async (_name, opts) => {
    await expect(Database.open(opts as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it.each([
    ['transaction without a function', () => t.db.transaction(5 as never)],
    ['getMany without an array', () => t.db.getMany(k as never)],
    ['changes options not an object', () => collect(t.db.changes(5 as never))],
    ['changes since negative', () => collect(t.db.changes({ since: -1 }))],
    ['changes since fractional', () => collect(t.db.changes({ since: 1.5 }))],
  ])('%s → INVALID_ARGUMENT', async (_name, act) => {
    await expect(act()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('readOnly on a directory without a database → NOT_FOUND, creating nothing', async () => {
    const { existsSync } = await import('node:fs');
    const { join } = await import('node:path');
    const empty = join(t.path, 'nothing-here');
    await expect(Database.open({ path: empty, readOnly: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(empty)).toBe(false);
  });

  it('a path LMDB cannot open → STORAGE', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const file = join(t.path, 'a-file');
    writeFileSync(file, 'not a directory');
    await expect(Database.open({ path: join(file, 'db') })).rejects.toMatchObject({ code: 'STORAGE' });
  });

  it('a transaction used after its function returned → INVALID_ARGUMENT', async () => {
    let leaked!: Transaction;
    await t.db.transaction((tx) => {
      leaked = tx;
    });
    expect(() => leaked.put(k, 1)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await expect(leaked.get(k)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('readOnly refuses writes', async () => {
    const ro = await t.reopen({ readOnly: true });
    expect(await ro.get(Key.kv('r', 'existing'))).toBe(1);
    await expect(ro.transaction((tx) => tx.put(k, 1))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('lifecycle', () => {
  it('close is idempotent, waits for in-flight commits, and every call after it is CLOSED', async () => {
    const pending = Promise.all(
      Array.from({ length: 50 }, (_, i) => t.db.transaction((tx) => tx.put(Key.kv('r', `p${i}`), i))),
    );
    await Promise.resolve();
    const closing = t.db.close();
    await Promise.all([closing, t.db.close()]);
    const settled = await pending.then(
      () => 'all committed',
      (e: { code: string }) => e.code,
    );
    expect(['all committed', 'CLOSED']).toContain(settled);
    await expect(t.db.get(k)).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(t.db.transaction(() => 1)).rejects.toMatchObject({ code: 'CLOSED' });
    expect(() => t.db.stats()).toThrowError(expect.objectContaining({ code: 'CLOSED' }));
  });

  it('close releases the snapshot of a scan left open, and that scan then reports CLOSED', async () => {
    await t.db.transaction((tx) => tx.put(Key.kv('r', 'second'), 2));
    const scan = t.db.scan(runRange('r'));
    expect((await scan.next()).done).toBe(false);
    expect(t.db.stats().openSnapshots).toBe(1);
    await t.db.close();
    await expect(scan.next()).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('an empty or inverted range scans nothing, inside and outside transactions', async () => {
    const inverted = { start: Key.kv('r', 'z'), end: Key.kv('r', 'a') };
    expect(await collect(t.db.scan(inverted))).toEqual([]);
    expect(await t.db.transaction((tx) => collect(tx.scan(inverted)))).toEqual([]);
  });

  it('the database and its transactions expose the configured clock and value limit', async () => {
    const clock = () => 42;
    const db = await t.reopen({ clock, maxValueBytes: 4096 });
    expect(db.clock).toBe(clock);
    expect(db.maxValueBytes).toBe(4096);
    expect(await db.transaction((tx) => tx.clock())).toBe(42);
  });

  it('memory mode needs no path and removes its directory on close', async () => {
    const db = await Database.open();
    expect(db.durability).toBe('memory');
    await db.transaction((tx) => tx.put(k, 1));
    expect(await db.get(k)).toBe(1);
    const { existsSync } = await import('node:fs');
    const path = db.path;
    await db.close();
    expect(existsSync(path)).toBe(false);
  });

  it('a directory whose name has a dot in it is still a directory', async () => {
    const { mkdtempSync, statSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const parent = mkdtempSync(join(tmpdir(), 'agentdb-dotted-'));
    const path = join(parent, 'agent.data');
    const db = await Database.open({ path, sweepIntervalMs: 0 });
    await db.transaction((tx) => tx.put(k, 1));
    await db.close();
    expect(statSync(path).isDirectory()).toBe(true);
    expect(statSync(join(path, 'data.mdb')).isFile()).toBe(true);
    const again = await Database.open({ path, sweepIntervalMs: 0 });
    expect(await again.get(k)).toBe(1);
    await again.close();
    rmSync(parent, { recursive: true, force: true });
  });

  it('data survives close and reopen', async () => {
    const db = await t.reopen();
    expect(await db.get(Key.kv('r', 'existing'))).toBe(1);
  });
});
