import { isAgentDBError } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { useKV } from './helpers.js';

const RUN = 'run-tx';

describe('kv.in(tx)', () => {
  const fx = useKV();

  it('two puts then a throw leave neither', async () => {
    const { kv, db } = fx();
    const boom = new Error('tool failed');
    const error = await db
      .transaction(
        async (tx) => {
          await kv.in(tx).put('a', 1);
          await kv.in(tx).put('b', 2);
          throw boom;
        },
        { runId: RUN },
      )
      .catch((e: unknown) => e);
    expect(error).toBe(boom);
    expect(await kv.getMany(RUN, ['a', 'b'])).toStrictEqual([undefined, undefined]);
    expect(await kv.list(RUN)).toStrictEqual([]);
  });

  it('two puts commit together and the view reads its own writes', async () => {
    const { kv, db } = fx();
    await kv.put(RUN, 'gone', 0);
    await db.transaction(
      async (tx) => {
        const view = kv.in(tx);
        await view.put('a', 1);
        await view.put('b', 2);
        expect(await view.delete('gone')).toBe(true);
        expect(await view.get('a')).toBe(1);
        expect(await view.exists('gone')).toBe(false);
        expect(await view.getMany(['a', 'b', 'gone'])).toStrictEqual([1, 2, undefined]);
        expect(await view.list()).toStrictEqual(['a', 'b']);
        expect(await view.listWithValues({ after: 'a' })).toStrictEqual([{ key: 'b', value: 2 }]);
        // Not visible outside before commit.
        expect(await kv.get(RUN, 'a')).toBeUndefined();
      },
      { runId: RUN },
    );
    expect(await kv.listWithValues(RUN)).toStrictEqual([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
  });

  it('binds to the run given, else the transaction run, else refuses', async () => {
    const { kv, db } = fx();
    await db.transaction(
      async (tx) => {
        expect(kv.in(tx).runId).toBe(RUN);
        expect(kv.in(tx, 'other').runId).toBe('other');
        await kv.in(tx, 'other').put('k', 'other');
      },
      { runId: RUN },
    );
    expect(await kv.get('other', 'k')).toBe('other');
    expect(await kv.get(RUN, 'k')).toBeUndefined();
    await db.transaction((tx) => {
      expect(() => kv.in(tx)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => kv.in(tx, 'bad run!')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    });
    expect(() => kv.in({} as never, RUN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => kv.in(db as never, RUN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a view used after its transaction finished is refused', async () => {
    const { kv, db } = fx();
    const view = await db.transaction((tx) => kv.in(tx), { runId: RUN });
    const error = await view.put('late', 1).catch((e: unknown) => e);
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(await kv.exists(RUN, 'late')).toBe(false);
  });

  it('exactly one of three concurrent deletes of one key returns true', async () => {
    const { kv, db } = fx();
    for (let round = 0; round < 20; round++) {
      const key = `d${round}`;
      await kv.put(RUN, key, round);
      const results = await Promise.all([kv.delete(RUN, key), kv.delete(RUN, key), kv.delete(RUN, key)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    expect((await db.verify()).ok).toBe(true);
  });
});
