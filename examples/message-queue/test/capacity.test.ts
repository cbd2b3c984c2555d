import { isAgentDBError, Key } from '@agentdb/core';
import type { MutationHandle } from '@agentdb/engine';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAPACITY, isQueueFull, MessageQueue, QueueFullError } from '../src/index.js';
import { dumpRun, range, sendAll, useQueue } from './helpers.js';

const RUN = 'run-cap';

describe('capacity', () => {
  const f = useQueue({ queue: { capacity: 3 } });

  it('refuses a send to a full queue with QueueFullError (code INVALID_ARGUMENT) and writes nothing', async () => {
    const { queue, db } = f();
    expect(await sendAll(f(), RUN, 'q', [1, 2, 3])).toEqual([0, 1, 2]);
    const before = { version: db.stats().version, data: await dumpRun(db, RUN) };
    const error = await queue.send(RUN, 'q', 4).catch((e: unknown) => e);
    expect(isQueueFull(error)).toBe(true);
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error).toMatchObject({ queue: 'q', capacity: 3, size: 3 });
    expect({ version: db.stats().version, data: await dumpRun(db, RUN) }).toStrictEqual(before);
  });

  it('a refused send consumes no sequence: after a receive the next send continues the order', async () => {
    const { queue } = f();
    await sendAll(f(), RUN, 'q', [1, 2, 3]);
    await expect(queue.send(RUN, 'q', 4)).rejects.toBeInstanceOf(QueueFullError);
    await queue.receive(RUN, 'q');
    expect(await queue.send(RUN, 'q', 5)).toBe(3);
    expect((await queue.peek(RUN, 'q', { max: 10 })).map((m) => m.message)).toEqual([2, 3, 5]);
  });

  it('sends in one transaction count against each other; overflowing refuses the whole transaction', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'q', [1, 2]);
    const before = { version: db.stats().version, data: await dumpRun(db, RUN) };
    const handles: MutationHandle<number>[] = [];
    const error = await db
      .transaction(
        (tx) => {
          tx.put(Key.kv(RUN, 'note'), 'written with the sends');
          handles.push(queue.in(tx).send('q', 3), queue.in(tx).send('q', 4));
        },
        { runId: RUN },
      )
      .catch((e: unknown) => e);
    expect(isQueueFull(error)).toBe(true);
    for (const h of handles) await expect(h).rejects.toBe(error);
    expect({ version: db.stats().version, data: await dumpRun(db, RUN) }).toStrictEqual(before);
  });

  it('30 concurrent senders racing for the last slots: exactly the capacity wins, without conflicts', async () => {
    const { db } = f();
    const queue = new MessageQueue(db, { capacity: 10 });
    const before = db.stats().conflicts;
    const outcomes = await Promise.allSettled(range(30).map((i) => queue.send(RUN, 'race', i)));
    const won = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    expect([...won].sort((a, b) => a - b)).toEqual(range(10));
    expect(lost.length).toBe(20);
    expect(lost.every(isQueueFull)).toBe(true);
    expect(db.stats().conflicts - before).toBe(0);
    expect(await queue.size(RUN, 'race')).toBe(10);
  });

  it('is per queue: a full queue does not block another queue or another run', async () => {
    const { queue } = f();
    await sendAll(f(), RUN, 'full', [1, 2, 3]);
    expect(await queue.send(RUN, 'other', 1)).toBe(0);
    expect(await queue.send('run-cap2', 'full', 1)).toBe(0);
  });

  it('is a property of the facade: a larger-capacity facade may keep sending to the same queue', async () => {
    const { db, queue } = f();
    await sendAll(f(), RUN, 'q', [1, 2, 3]);
    expect(queue.capacity).toBe(3);
    expect(await new MessageQueue(db, { capacity: 4 }).send(RUN, 'q', 4)).toBe(3);
    expect(new MessageQueue(db).capacity).toBe(DEFAULT_CAPACITY);
  });
});
