import { encodeValue, isAgentDBError, type Value } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { MessageQueue } from '../src/index.js';
import { range, sendAll, useQueue } from './helpers.js';

const RUN = 'run-fifo';

describe('FIFO order', () => {
  const f = useQueue();

  it('receives messages in the order they were sent, with sequences 0, 1, 2, …', async () => {
    const { queue } = f();
    const seqs: number[] = [];
    for (const m of ['a', 'b', 'c', 'd', 'e']) seqs.push(await queue.send(RUN, 'jobs', m));
    expect(seqs).toEqual([0, 1, 2, 3, 4]);
    const first = await queue.receive(RUN, 'jobs');
    const rest = await queue.receive(RUN, 'jobs', { max: 10 });
    expect([...first, ...rest].map((m) => [m.sequence, m.message])).toEqual([
      [0, 'a'],
      [1, 'b'],
      [2, 'c'],
      [3, 'd'],
      [4, 'e'],
    ]);
    expect(await queue.receive(RUN, 'jobs')).toEqual([]);
  });

  it('keeps counting after the queue drains: sequences are never reused', async () => {
    const { queue } = f();
    await sendAll(f(), RUN, 'q', [1, 2]);
    expect((await queue.receive(RUN, 'q', { max: 5 })).map((m) => m.sequence)).toEqual([0, 1]);
    expect(await queue.size(RUN, 'q')).toBe(0);
    expect(await queue.send(RUN, 'q', 3)).toBe(2);
    expect(await queue.receive(RUN, 'q')).toMatchObject([{ sequence: 2, message: 3 }]);
  });

  it('peek shows the oldest messages without removing them; max bounds it', async () => {
    const { queue } = f();
    await sendAll(f(), RUN, 'q', [10, 11, 12]);
    await queue.receive(RUN, 'q');
    expect((await queue.peek(RUN, 'q')).map((m) => m.message)).toEqual([11]);
    expect((await queue.peek(RUN, 'q', { max: 5 })).map((m) => m.sequence)).toEqual([1, 2]);
    expect(await queue.size(RUN, 'q')).toBe(2);
    expect(await queue.peek(RUN, 'never-sent')).toEqual([]);
  });

  it('size counts sends minus receives, and is 0 for an unknown queue', async () => {
    const { queue } = f();
    expect(await queue.size(RUN, 'q')).toBe(0);
    await sendAll(f(), RUN, 'q', range(7));
    expect(await queue.size(RUN, 'q')).toBe(7);
    await queue.receive(RUN, 'q', { max: 3 });
    expect(await queue.size(RUN, 'q')).toBe(4);
  });

  it('size is O(1): the same number of reads with 1 or 2,000 messages', async () => {
    const { queue, db } = f();
    const readsOf = async (q: string) => {
      const before = db.stats().reads;
      await queue.size(RUN, q);
      return db.stats().reads - before;
    };
    await sendAll(f(), RUN, 'small', [1]);
    await sendAll(f(), RUN, 'big', range(2_000));
    expect(await queue.size(RUN, 'big')).toBe(2_000);
    const small = await readsOf('small');
    const big = await readsOf('big');
    expect(small).toBe(big);
    expect(big).toBeLessThanOrEqual(2);
  });

  it('queues lists every queue ever sent to, in byte order, reading one record per queue', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'results', [1]);
    await sendAll(f(), RUN, 'jobs', range(500));
    await sendAll(f(), RUN, 'jobs:retry', [1]);
    await queue.receive(RUN, 'results'); // empty queues are still listed
    const before = db.stats().reads;
    expect(await queue.queues(RUN)).toEqual(['jobs', 'jobs:retry', 'results']);
    expect(db.stats().reads - before).toBe(3);
    expect(await queue.queues('run-empty')).toEqual([]);
  });

  it('returns each message deeply equal to what was sent, with its commit time', async () => {
    const { queue, clock } = f();
    const messages: Value[] = [
      null,
      -0,
      123456789012345678901234567890n,
      new Uint8Array([0, 1, 255]),
      new Date(0),
      { nested: [1, 'two', { three: true }], '': 'empty key' },
      'ünïcödé 🚀',
    ];
    for (const m of messages) await queue.send(RUN, 'values', m);
    clock.advance(5);
    await queue.send(RUN, 'values', 'later');
    const got = await queue.receive(RUN, 'values', { max: 100 });
    expect(got.map((m) => m.message)).toStrictEqual([...messages, 'later']);
    expect(Object.is(got[1]!.message, -0)).toBe(true);
    expect(got[0]!.sentAt).toBe(1_700_000_000_000);
    expect(got.at(-1)!.sentAt).toBe(1_700_000_000_005);
  });

  it('accepts a message up to maxValueBytes − RECORD_OVERHEAD_BYTES encoded', async () => {
    const { queue, db } = f();
    const limit = db.maxValueBytes - 64;
    // A byte string's CBOR header here is 5 bytes.
    const fits = new Uint8Array(limit - 5);
    expect(encodeValue(fits).length).toBe(limit);
    expect(await queue.send(RUN, 'big', fits)).toBe(0);
    const got = (await queue.receive(RUN, 'big'))[0]!.message as Uint8Array;
    // Compared as bytes: a deep-equality diff of 16 MiB would exhaust the test worker's heap.
    expect(got.length).toBe(fits.length);
    expect(Buffer.compare(got, fits)).toBe(0);
    // One byte more is refused before anything is written.
    const error = await queue.send(RUN, 'big', new Uint8Array(limit - 4)).catch((e: unknown) => e);
    expect(isAgentDBError(error, 'INVALID_VALUE')).toBe(true);
    expect(await queue.size(RUN, 'big')).toBe(0);
  });

  it('two facades on one database see the same queues', async () => {
    const { queue, db } = f();
    await queue.send(RUN, 'shared', 'hello');
    expect(await new MessageQueue(db).receive(RUN, 'shared')).toMatchObject([{ message: 'hello' }]);
  });
});

describe('run isolation', () => {
  const f = useQueue();

  it('run1 and run10 (a prefix of each other as text) never see each other’s queues', async () => {
    const { queue } = f();
    await sendAll(f(), 'run1', 'jobs', [1, 2]);
    await sendAll(f(), 'run10', 'jobs', [10]);
    await sendAll(f(), 'run10', 'other', [11]);
    expect(await queue.queues('run1')).toEqual(['jobs']);
    expect(await queue.queues('run10')).toEqual(['jobs', 'other']);
    expect(await queue.size('run1', 'jobs')).toBe(2);
    expect(await queue.size('run10', 'jobs')).toBe(1);
    expect((await queue.receive('run10', 'jobs', { max: 10 })).map((m) => [m.sequence, m.message])).toEqual([
      [0, 10],
    ]);
    expect((await queue.peek('run1', 'jobs', { max: 10 })).map((m) => m.message)).toEqual([1, 2]);
  });

  it('queue names are exact: "a" never includes "a:b" or "ab"', async () => {
    const { queue } = f();
    await sendAll(f(), RUN, 'a', [1]);
    await sendAll(f(), RUN, 'a:b', [2]);
    await sendAll(f(), RUN, 'ab', [3]);
    expect((await queue.receive(RUN, 'a', { max: 10 })).map((m) => m.message)).toEqual([1]);
    expect(await queue.size(RUN, 'a:b')).toBe(1);
    expect(await queue.size(RUN, 'ab')).toBe(1);
  });
});
