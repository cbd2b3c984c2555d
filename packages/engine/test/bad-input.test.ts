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
  ])('open option %s → INVALID_ARGUMENT', async (_name, opts) => {
    await expect(Database.open(opts as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
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

  it('data survives close and reopen', async () => {
    const db = await t.reopen();
    expect(await db.get(Key.kv('r', 'existing'))).toBe(1);
  });
});
