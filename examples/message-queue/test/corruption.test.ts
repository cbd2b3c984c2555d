import { encodeValue, type Value } from '@agentdb/core';
import { openRawData } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import { MessageQueue } from '../src/index.js';
import { headKey, messageKey, tailKey } from '../src/layout.js';
import { sendAll, useQueue } from './helpers.js';

/**
 * Malformed or inconsistent stored records (a foreign writer, a disk fault) are reported as
 * CORRUPTION by every read and by send, never misread or overwritten. Records are edited in the
 * closed database directory through raw LMDB access.
 */

const RUN = 'run-corrupt';

/** The stored bytes the engine would write for `value` without a TTL: a zero flags byte, then CBOR. */
function stored(value: Value): Uint8Array {
  return Buffer.concat([Buffer.from([0]), encodeValue(value)]);
}

describe('corrupt queue records', () => {
  const f = useQueue();

  /** Sends three messages, then overwrites stored records directly and reopens. */
  async function tamper(records: [Uint8Array, Value][]) {
    await sendAll(f(), RUN, 'q', [10, 11, 12]);
    await f().t.db.close();
    const raw = await openRawData(f().t.path);
    for (const [key, value] of records) raw.put(key, stored(value));
    await raw.close();
    const db = await f().t.reopen();
    return new MessageQueue(db);
  }

  it('a malformed tail record: size and send refuse with CORRUPTION', async () => {
    const queue = await tamper([[tailKey(RUN, 'q'), { v: 1, queue: 'q', next: -1 }]]);
    await expect(queue.size(RUN, 'q')).rejects.toMatchObject({ code: 'CORRUPTION' });
    await expect(queue.send(RUN, 'q', 'x')).rejects.toMatchObject({ code: 'CORRUPTION' });
  });

  it('a malformed head record: size, peek in a transaction and receive refuse with CORRUPTION', async () => {
    const queue = await tamper([[headKey(RUN, 'q'), { v: 2, head: 0 }]]);
    await expect(queue.size(RUN, 'q')).rejects.toMatchObject({ code: 'CORRUPTION' });
    await expect(queue.receive(RUN, 'q')).rejects.toMatchObject({ code: 'CORRUPTION' });
    await expect(f().t.db.transaction((tx) => queue.in(tx, RUN).peek('q'))).rejects.toMatchObject({
      code: 'CORRUPTION',
    });
  });

  it('a malformed message record: peek and receive refuse with CORRUPTION, consuming nothing', async () => {
    const queue = await tamper([
      [messageKey(RUN, 'q', 0), { v: 1, sequence: 0, sentAt: 1, message: 'not bytes' }],
    ]);
    await expect(queue.peek(RUN, 'q')).rejects.toMatchObject({ code: 'CORRUPTION' });
    await expect(queue.receive(RUN, 'q')).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect(await queue.size(RUN, 'q')).toBe(3);
  });

  it('a message record under the wrong sequence: receive and peek refuse with CORRUPTION', async () => {
    const queue = await tamper([
      [messageKey(RUN, 'q', 1), { v: 1, sequence: 7, sentAt: 1, message: encodeValue(11) }],
    ]);
    await expect(queue.receive(RUN, 'q', { max: 3 })).rejects.toMatchObject({
      code: 'CORRUPTION',
      message: expect.stringContaining('where message 1 belongs says sequence 7'),
    });
    await expect(queue.peek(RUN, 'q', { max: 3 })).rejects.toMatchObject({ code: 'CORRUPTION' });
  });

  it('a head past the tail: size and send refuse with CORRUPTION', async () => {
    const queue = await tamper([[headKey(RUN, 'q'), { v: 1, head: 9 }]]);
    await expect(queue.size(RUN, 'q')).rejects.toMatchObject({
      code: 'CORRUPTION',
      message: expect.stringContaining('has its head (9) past its tail (3)'),
    });
    await expect(queue.send(RUN, 'q', 'x')).rejects.toMatchObject({ code: 'CORRUPTION' });
  });

  it('a message beyond the tail is never overwritten by send', async () => {
    const queue = await tamper([
      [messageKey(RUN, 'q', 3), { v: 1, sequence: 3, sentAt: 1, message: encodeValue('stray') }],
    ]);
    await expect(queue.send(RUN, 'q', 'x')).rejects.toMatchObject({
      code: 'CORRUPTION',
      message: expect.stringContaining('refusing to overwrite it'),
    });
    expect(await queue.size(RUN, 'q')).toBe(3);
  });
});
