import { crc32 } from 'node:zlib';
import { decodeValue, Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommitRecord } from '../src/index.js';
import { openRawData, openRawLog, openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

let t: TestDatabase;
afterEach(() => t.dispose());

describe('commit log', () => {
  it('the changes feed returns every commit in order with its runs and writes', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => tx.put(Key.kv('a', 'x'), 1));
    await t.db.transaction((tx) => {
      tx.put(Key.kv('b', 'y'), 2, { ttlMs: 60_000 });
      tx.delete(Key.kv('a', 'x'));
    });
    const all = await collect(t.db.changes());
    expect(all.map((c) => c.version)).toEqual([1, 2]);
    expect(all[0]!.runIds).toEqual(['a']);
    expect(all[1]!.runIds.sort()).toEqual(['a', 'b']);
    expect(all[1]!.writes).toEqual([
      { type: 'put', key: expect.any(Uint8Array), value: 2, expiresAt: expect.any(Number) },
      { type: 'delete', key: expect.any(Uint8Array) },
    ]);
    expect((await collect(t.db.changes({ since: 1 }))).map((c) => c.version)).toEqual([2]);
  });

  it('a batch whose log entry outgrows its first buffer is logged whole (one big commit, then many)', async () => {
    t = await openTestDatabase();
    const big = 'x'.repeat(40_000);
    // One commit of ~160 KB, then 300 concurrent commits sharing one batch: both outgrow 64 KiB.
    await t.db.transaction((tx) => {
      for (let i = 0; i < 4; i++) tx.put(Key.kv('big', `k${i}`), { i, big });
    });
    await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        t.db.transaction((tx) => tx.put(Key.kv('many', `k${i}`), { i, pad: big.slice(0, 500) })),
      ),
    );
    const all = await collect(t.db.changes());
    expect(all).toHaveLength(301);
    expect(all[0]!.writes.map((w) => (w.type === 'put' ? (w.value as { i: number }).i : -1))).toEqual([
      0, 1, 2, 3,
    ]);
    expect(
      all
        .slice(1)
        .flatMap((c) => c.writes.map((w) => (w.type === 'put' ? (w.value as { i: number }).i : -1)))
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(await t.db.verify()).toEqual({ ok: true, problems: [] });
  });

  it("still reads format-1 entries, which stored each commit's run ids before its writes", async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => {
      tx.put(Key.kv('a', 'x'), 1);
      tx.put(Key.kv('b', 'y'), 2);
    });
    await t.db.close();
    const log = await openRawLog(t.path);
    const entry = Buffer.from(log.get(1)!);
    // Same entry in format 1: the record gains a run-id list (deliberately in an order the keys would
    // not give, to show the stored list is what is read).
    const runIds = Buffer.from([0, 2, 1, 0x62, 1, 0x61]); // u16 count 2, then "b", "a"
    const body = Buffer.concat([entry.subarray(4, 25), runIds, entry.subarray(25)]);
    body[0] = 1;
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    log.put(1, Buffer.concat([crc, body]));
    await log.close();
    await t.reopen();
    const [commit] = await collect(t.db.changes());
    expect(commit!.runIds).toEqual(['b', 'a']);
    expect(commit!.writes.map((w) => (w.type === 'put' ? w.value : null))).toEqual([1, 2]);
    expect(await t.db.verify()).toEqual({ ok: true, problems: [] });
  });

  it('follows new commits live until aborted', async () => {
    t = await openTestDatabase();
    const ac = new AbortController();
    const seen: CommitRecord[] = [];
    const follower = (async () => {
      for await (const c of t.db.changes({ follow: true, signal: ac.signal })) {
        seen.push(c);
        if (seen.length === 3) ac.abort();
      }
    })();
    for (let i = 0; i < 3; i++) await t.db.transaction((tx) => tx.put(Key.kv('r', `k${i}`), i));
    await follower;
    expect(seen.map((c) => c.version)).toEqual([1, 2, 3]);
  });

  it('replaying the full log over an empty store reproduces the data exactly (verify)', async () => {
    t = await openTestDatabase();
    for (let i = 0; i < 50; i++) {
      await t.db.transaction((tx) => {
        tx.put(Key.kv('r', `k${i % 7}`), { i, at: new Date(i) });
        if (i % 5 === 0) tx.delete(Key.kv('r', `k${(i + 3) % 7}`));
      });
    }
    expect(await t.db.verify()).toEqual({ ok: true, problems: [] });
    // Independent replay from the public feed.
    const model = new Map<string, unknown>();
    for (const c of await collect(t.db.changes())) {
      for (const w of c.writes) {
        if (w.type === 'put') model.set(Buffer.from(w.key).toString('hex'), w.value);
        else model.delete(Buffer.from(w.key).toString('hex'));
      }
    }
    const data = new Map(
      (await collect(t.db.scan(runRange('r')))).map((e) => [Buffer.from(e.key).toString('hex'), e.value]),
    );
    expect(data).toEqual(model);
  });

  it('verify reports data that disagrees with the log', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => tx.put(Key.kv('r', 'x'), 'original'));
    await t.db.close();
    const raw = await openRawData(t.path);
    const stored = raw.get(Key.kv('r', 'x'))!;
    const tampered = Buffer.from(stored);
    tampered.writeUInt8(tampered.at(-1)! ^ 0x01, tampered.length - 1);
    raw.put(Key.kv('r', 'x'), tampered);
    raw.put(Key.kv('r', 'ghost'), stored, 99);
    await raw.close();
    const db = await t.reopen();
    const { ok, problems } = await db.verify();
    expect(ok).toBe(false);
    expect(problems.some((p) => p.includes('differs from its last logged write'))).toBe(true);
    expect(problems.some((p) => p.includes('never written by the log'))).toBe(true);
    expect(decodeValue(tampered.subarray(1))).not.toBe('original');
  });

  it('an entry whose header has an unknown flag bit reads as CORRUPTION', async () => {
    t = await openTestDatabase();
    await t.db.transaction((tx) => tx.put(Key.kv('r', 'x'), 'v'));
    await t.db.close();
    const raw = await openRawData(t.path);
    const bytes = Buffer.from(raw.get(Key.kv('r', 'x'))!);
    bytes.writeUInt8(bytes[0]! | 0x80, 0);
    raw.put(Key.kv('r', 'x'), bytes);
    await raw.close();
    const db = await t.reopen();
    await expect(db.get(Key.kv('r', 'x'))).rejects.toMatchObject({ code: 'CORRUPTION' });
    const { ok, problems } = await db.verify();
    expect(ok).toBe(false);
    expect(problems.join('\n')).toContain('unknown header');
  });

  it('retention by commit count trims the log; verify checks what is retained', async () => {
    t = await openTestDatabase({ walRetention: { commits: 10 } });
    for (let i = 0; i < 40; i++) await t.db.transaction((tx) => tx.put(Key.kv('r', `k${i % 3}`), i));
    const s = t.db.stats();
    expect(s.logLength).toBe(10);
    expect(s.logTrimmedThrough).toBe(30);
    expect((await collect(t.db.changes())).map((c) => c.version)).toEqual(
      [...Array(10).keys()].map((i) => i + 31),
    );
    await expect(collect(t.db.changes({ since: 5 }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await t.db.verify()).toEqual({ ok: true, problems: [] });
  });

  it('retention by age trims old commits', async () => {
    let now = 1_000_000;
    t = await openTestDatabase({ walRetention: { ms: 1000 }, clock: () => now });
    for (let i = 0; i < 64; i++) await t.db.transaction((tx) => tx.put(Key.kv('r', 'k'), i));
    now += 5000;
    for (let i = 0; i < 64; i++) await t.db.transaction((tx) => tx.put(Key.kv('r', 'k'), i));
    expect(t.db.stats().logTrimmedThrough).toBe(64);
    expect((await t.db.verify()).ok).toBe(true);
  });

  it('changes pages through more than 64 log entries, and since can start inside a batched entry', async () => {
    t = await openTestDatabase({ durability: 'buffered' });
    for (let i = 0; i < 70; i++) await t.db.transaction((tx) => tx.put(Key.kv('r', 'k'), i));
    // Three transactions started in one turn share one LMDB transaction, hence one log entry.
    await Promise.all([71, 72, 73].map((i) => t.db.transaction((tx) => tx.put(Key.kv('r', `b${i}`), i))));
    expect(t.db.stats().logLength).toBe(73);
    expect((await collect(t.db.changes())).map((c) => c.version)).toEqual(
      [...Array(73).keys()].map((i) => i + 1),
    );
    expect((await collect(t.db.changes({ since: 71 }))).map((c) => c.version)).toEqual([72, 73]);
  });
});
