import { describe, expect, it } from 'vitest';
import { compareUtf8, listAllPaged, paddedKey, putMany, useKV } from './helpers.js';

const RUN = 'run-pages';
const N = 10_000;

function expectStrictlyAscending(keys: string[]): void {
  for (let i = 1; i < keys.length; i++) {
    if (compareUtf8(keys[i - 1]!, keys[i]!) >= 0) {
      throw new Error(`keys out of order or repeated at ${i}: ${keys[i - 1]} then ${keys[i]}`);
    }
  }
}

describe('pagination over 10,000 keys', () => {
  const fx = useKV();

  it('returns every key exactly once, in order, for several page sizes', async () => {
    const { kv, db } = fx();
    const keys = Array.from({ length: N }, (_, i) => paddedKey('k', i));
    await putMany(kv, db, RUN, keys);
    await kv.put('run-pages0', 'k00000', 'a neighbouring run must not leak in');
    for (const limit of [1_000, 333, 10_000, 20_000]) {
      const { keys: seen, pages } = await listAllPaged(kv, RUN, limit);
      expect(seen).toStrictEqual(keys);
      expect(pages).toBe(Math.floor(N / limit) + 1);
    }
    expect(await kv.list(RUN)).toStrictEqual(keys);
    const withValues = await kv.listWithValues(RUN, { after: paddedKey('k', 9_997) });
    expect(withValues).toStrictEqual([
      { key: 'k09998', value: 9_998 },
      { key: 'k09999', value: 9_999 },
    ]);
  });

  it('never skips or repeats a key while keys are added between pages', async () => {
    const { kv, db } = fx();
    const original = Array.from({ length: N }, (_, i) => paddedKey('k', i));
    await putMany(kv, db, RUN, original);
    const added: string[] = [];
    // Before every page, commit 20 new keys scattered over the whole key space (some behind the
    // cursor, some ahead of it), each sorting right after an existing key.
    const { keys: seen, pages } = await listAllPaged(kv, RUN, 250, undefined, async (page) => {
      const batch = Array.from(
        { length: 20 },
        (_, i) => `${paddedKey('k', ((page * 20 + i) * 7_919) % N)}+${page}`,
      );
      await db.transaction(
        async (tx) => {
          for (const key of batch) await kv.in(tx).put(key, 'late');
        },
        { runId: RUN },
      );
      added.push(...batch);
    });
    expect(pages).toBeGreaterThan(40);
    expectStrictlyAscending(seen); // so no key was returned twice
    const seenSet = new Set(seen);
    expect(original.filter((k) => !seenSet.has(k))).toStrictEqual([]); // none skipped
    expect(seen.filter((k) => !original.includes(k) && !added.includes(k))).toStrictEqual([]);
    // Keys added ahead of the cursor were picked up; the full listing now has everything.
    expect(seen.length).toBeGreaterThan(N);
    expect(await kv.list(RUN)).toStrictEqual([...original, ...added].sort(compareUtf8));
  });

  it('a page costs reads proportional to its size, not to the run', async () => {
    const { kv, db } = fx();
    await putMany(
      kv,
      db,
      RUN,
      Array.from({ length: N }, (_, i) => paddedKey('k', i)),
    );
    await putMany(
      kv,
      db,
      'run-small',
      Array.from({ length: 15 }, (_, i) => paddedKey('k', 5_000 + i)),
    );

    const readsFor = async (fn: () => Promise<unknown>) => {
      const before = db.stats().reads;
      await fn();
      return db.stats().reads - before;
    };
    const cases = [
      () => kv.list(RUN, { limit: 10, after: 'k05000' }),
      () => kv.listWithValues(RUN, { limit: 10, after: 'k05000' }),
      () => kv.list(RUN, { prefix: 'k0500' }),
      () => kv.list(RUN, { prefix: 'k09', limit: 10, after: 'k09500' }),
      () => db.transaction((tx) => kv.in(tx, RUN).list({ limit: 10, after: 'k05000' })),
    ];
    for (const c of cases) {
      const big = await readsFor(c);
      expect(big).toBeGreaterThanOrEqual(10);
      expect(big).toBeLessThanOrEqual(11); // the page, plus at most one look-ahead entry
    }
    // The same page from a run of 15 keys costs the same as from a run of 10,000.
    const small = await readsFor(() => kv.list('run-small', { limit: 10, after: 'k05000' }));
    const big = await readsFor(() => kv.list(RUN, { limit: 10, after: 'k05000' }));
    expect(big).toBe(small);
    // get / exists / getMany read exactly the keys asked for.
    expect(await readsFor(() => kv.get(RUN, 'k00001'))).toBe(1);
    expect(await readsFor(() => kv.exists(RUN, 'k00001'))).toBe(1);
    expect(await readsFor(() => kv.getMany(RUN, ['k00001', 'k00002', 'nope']))).toBe(3);
  });
});
