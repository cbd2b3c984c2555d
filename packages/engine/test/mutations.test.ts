import { AgentDBError, isAgentDBError, Key, type Value } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MutationHandle } from '../src/index.js';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase();
});
afterEach(() => t.dispose());

const seqKey = Key.kv('r', 'seq');
const nextSeq = (current: unknown) => ({ value: Number(current ?? 0) + 1, result: Number(current ?? 0) });

describe('commit-time mutations', () => {
  it('1,000 concurrent transactions mutating one key get 1,000 distinct contiguous results with zero retries', async () => {
    const handles: MutationHandle<number>[] = [];
    await Promise.all(
      Array.from({ length: 1000 }, () =>
        t.db.transaction((tx) => {
          handles.push(tx.mutate(seqKey, nextSeq));
        }),
      ),
    );
    const results = await Promise.all(handles);
    expect([...results].sort((a, b) => a - b)).toEqual([...Array(1000).keys()]);
    expect(await t.db.get(seqKey)).toBe(1000);
    expect(t.db.stats().retries).toBe(0);
    expect(t.db.stats().conflicts).toBe(0);
  });

  it('writes other keys through the context in the same commit', async () => {
    let h!: MutationHandle<number>;
    await t.db.transaction((tx) => {
      h = tx.mutate(seqKey, (current, ctx) => {
        const seq = Number(current ?? 0);
        ctx.put(Key.event('r', seq), { seq });
        return { value: seq + 1, result: seq };
      });
    });
    expect(await h).toBe(0);
    expect(await t.db.get(Key.event('r', 0))).toEqual({ seq: 0 });
  });

  it('refuses at once to be awaited inside the transaction function (never a hang)', async () => {
    const err = await t.db
      .transaction(async (tx) => {
        await tx.mutate(seqKey, nextSeq);
      })
      .catch((e: unknown) => e);
    expect(isAgentDBError(err, 'INVALID_ARGUMENT')).toBe(true);
    expect(await t.db.get(seqKey)).toBeUndefined();
  });

  it('refuses to be returned from the transaction function', async () => {
    const err = await t.db.transaction(async (tx) => tx.mutate(seqKey, nextSeq)).catch((e: unknown) => e);
    expect(isAgentDBError(err, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('rejects every handle with the transaction error when it aborts, consuming nothing', async () => {
    const boom = new Error('boom');
    let h!: MutationHandle<number>;
    await expect(
      t.db.transaction((tx) => {
        h = tx.mutate(seqKey, nextSeq);
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(h).rejects.toBe(boom);
    expect(await t.db.get(seqKey)).toBeUndefined();
  });

  it('an error thrown by the mutation function aborts the whole transaction with that error', async () => {
    const mismatch = new AgentDBError('VERSION_MISMATCH', 'nope', { expected: 1, actual: 0 });
    await expect(
      t.db.transaction((tx) => {
        tx.put(Key.kv('r', 'side'), 1);
        tx.mutate(seqKey, () => {
          throw mismatch;
        });
      }),
    ).rejects.toBe(mismatch);
    expect(await t.db.get(Key.kv('r', 'side'))).toBeUndefined();
  });

  it('refuses an asynchronous mutation function or a malformed result', async () => {
    await expect(
      t.db.transaction((tx) => {
        tx.mutate(seqKey, (async () => ({ value: 1, result: 1 })) as never);
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      t.db.transaction((tx) => {
        tx.mutate(seqKey, (() => 5) as never);
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      t.db.transaction((tx) => {
        tx.mutate(seqKey, () => ({ value: () => 1, result: 0 }) as never);
      }),
    ).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    expect(t.db.stats().version).toBe(0);
  });

  it("the context reads committed values and this transaction's own puts and deletes, and deletes other keys", async () => {
    const [committed, buffered, dropped, victim] = ['committed', 'buffered', 'dropped', 'victim'].map((n) =>
      Key.kv('r', n),
    ) as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    await t.db.transaction((tx) => {
      tx.put(committed, 'from an earlier commit');
      tx.put(dropped, 'about to be deleted');
      tx.put(victim, 'deleted by a mutation');
    });
    let h!: MutationHandle<unknown[]>;
    await t.db.transaction((tx) => {
      tx.put(buffered, 'from this transaction');
      tx.delete(dropped);
      h = tx.mutate(seqKey, (_current, ctx) => {
        ctx.delete(victim);
        ctx.put(Key.kv('r', 'short-lived'), 1, { ttlMs: 60_000 });
        return {
          value: 1,
          result: [ctx.get(committed), ctx.get(buffered), ctx.get(dropped), ctx.get(victim)] as unknown[],
        };
      });
    });
    expect(await h).toEqual(['from an earlier commit', 'from this transaction', undefined, undefined]);
    expect(await t.db.get(victim)).toBeUndefined();
    expect((await t.db.getEntry(Key.kv('r', 'short-lived')))?.expiresAt).toEqual(expect.any(Number));
  });

  it('a mutation returning value undefined deletes its key', async () => {
    await t.db.transaction((tx) => tx.put(seqKey, 7));
    let h!: MutationHandle<number>;
    await t.db.transaction((tx) => {
      h = tx.mutate(seqKey, (current) => ({ value: undefined, result: Number(current) }));
    });
    expect(await h).toBe(7);
    expect(await t.db.get(seqKey)).toBeUndefined();
  });

  it("a handle from an attempt that lost a conflict rejects with CONFLICT; the retry's handle settles", async () => {
    const k = Key.kv('r', 'contended');
    const handles: MutationHandle<string>[] = [];
    let attempt = 0;
    await t.db.transaction(async (tx) => {
      attempt++;
      await tx.get(k);
      if (attempt === 1) await t.db.transaction((other) => other.put(k, 'other writer'));
      tx.put(k, 'mine');
      handles.push(tx.mutate(seqKey, () => ({ value: attempt, result: `attempt ${attempt}` })));
    });
    expect(handles).toHaveLength(2);
    await expect(handles[0]!.catch((e: unknown) => (e as AgentDBError).code)).resolves.toBe('CONFLICT');
    expect(await handles[1]!.catch(() => 'rejected')).toBe('attempt 2');
  });
});

describe('a transaction reads its own pending mutations with getPending', () => {
  it('getPending previews the mutations of a key queued so far on its snapshot; get does not; commit runs them on the latest value', async () => {
    const t = await openTestDatabase();
    try {
      const counter = Key.kv('r', 'counter');
      await t.db.transaction((tx) => tx.put(counter, 10));
      const inc = (n: Value | undefined) => ({ value: Number(n ?? 0) + 1, result: null });
      const seen = await t.db.transaction(async (tx) => {
        const before = await tx.getPending(counter);
        tx.mutate(counter, inc);
        const once = await tx.getPending(counter);
        tx.mutate(counter, inc);
        return [
          before,
          once,
          await tx.getPending(counter),
          await tx.get(counter),
          await tx.getMany([counter]),
        ];
      });
      expect(seen).toEqual([10, 11, 12, 10, [10]]);
      expect(await t.db.get(counter)).toBe(12);
      // A mutation that deletes previews as absent.
      const gone = await t.db.transaction(async (tx) => {
        tx.mutate(counter, () => ({ value: undefined, result: null }));
        return tx.getPending(counter);
      });
      expect(gone).toBeUndefined();
      expect(await t.db.get(counter)).toBeUndefined();
    } finally {
      await t.dispose();
    }
  });
});
