import { Key, TypeTag } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { useKV } from './helpers.js';

const RUN = 'run-corrupt';

describe('keys written around the KV store', () => {
  const fx = useKV();

  it('a key under the KV tag that is not a Key.kv key makes list and listWithValues report CORRUPTION', async () => {
    const { db, kv } = fx();
    await kv.put(RUN, 'fine', 1);
    // Written through the engine, bypassing KVStore: two tuple parts where KV keys have one.
    await db.transaction((tx) => tx.put(Key.of(TypeTag.KV, RUN, 'foreign', 2), 'x'));
    await expect(kv.list(RUN)).rejects.toMatchObject({
      code: 'CORRUPTION',
      message: expect.stringContaining('not a KV key'),
    });
    await expect(kv.listWithValues(RUN)).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect(await kv.get(RUN, 'fine')).toBe(1);
  });
});
