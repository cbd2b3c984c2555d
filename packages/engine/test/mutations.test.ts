import { AgentDBError, isAgentDBError, Key } from '@agentdb/core';
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
});
