import { type ErrorCode, Key, type Value } from '@agentdb/core';
import type { Database, Transaction } from '@agentdb/engine';
import { badOptions, flipping, hostileValues, refused } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import { MessageQueue, type MessageQueueOptions, type TakeOptions } from '../src/index.js';
import { type QueueFixture, sendAll, useQueue } from './helpers.js';

const RUN = 'run-bad';
const f = useQueue({ scope: 'file' });

/** Runs `call`, expects an AgentDBError with `code` (and `path`), and checks nothing was written. */
async function expectRefused(
  fx: QueueFixture,
  call: () => Promise<unknown>,
  code: ErrorCode,
  path?: string,
): Promise<void> {
  await refused(fx.db, call, code, path === undefined ? {} : { path });
}

const as = <T>(v: unknown) => v as T;

/** Each method once on the facade and once through a transaction view (the same code path). */
type Call = (q: { facade: MessageQueue; db: Database }) => Promise<unknown>;

function inTx(fn: (tx: Transaction, facade: MessageQueue) => Promise<unknown> | unknown): Call {
  return ({ facade, db }) =>
    db.transaction(
      async (tx) => {
        // Something to roll back: a refused call must abort the whole transaction.
        tx.put(Key.kv(RUN, 'must-not-land'), 1);
        await fn(tx, facade);
      },
      { runId: RUN },
    );
}

// Bad run ids, the constructor's engine, in(), a view after its transaction and CLOSED: the shared
// primitive contract (contract.test.ts).

const BAD_QUEUES: [string, unknown][] = [
  ['empty', ''],
  ['513 bytes', 'q'.repeat(513)],
  ['257 two-byte chars', 'é'.repeat(257)],
  ['a NUL', 'a\u0000b'],
  ['a lone surrogate', 'a\ud800'],
  ['a number', 3],
  ['undefined', undefined],
  ['null', null],
  ['an object', { name: 'q' }],
];

const BAD_TAKE: [string, unknown][] = [
  ['max 0', { max: 0 }],
  ['max -1', { max: -1 }],
  ['max 1001', { max: 1_001 }],
  ['max 1.5', { max: 1.5 }],
  ['max NaN', { max: Number.NaN }],
  ['max "2"', { max: '2' }],
  ['null options', null],
  ['array options', [1]],
  ['number options', 5],
];

const BAD_MESSAGES: [string, unknown, string][] = [
  ['undefined', undefined, 'message'],
  ['a function', () => 1, 'message'],
  ['a symbol', Symbol('s'), 'message'],
  ['a nested function', { steps: [1, () => 1] }, 'message.steps[1]'],
  ['a class instance', new Map(), 'message'],
  ['an invalid date', new Date(Number.NaN), 'message'],
  [
    'a cycle',
    (() => {
      const o: Record<string, unknown> = {};
      o.self = o;
      return o;
    })(),
    'message.self',
  ],
];

describe('bad input is refused before anything is written', () => {
  it.each(BAD_QUEUES)('queue name %s: every method, facade and view → INVALID_ARGUMENT', async (_, name) => {
    const { queue: facade, db } = f();
    const q = as<string>(name);
    const calls: Call[] = [
      ({ facade }) => facade.send(RUN, q, 1),
      ({ facade }) => facade.receive(RUN, q),
      ({ facade }) => facade.peek(RUN, q),
      ({ facade }) => facade.size(RUN, q),
      inTx((tx, fc) => fc.in(tx).send(q, 1)),
      inTx((tx, fc) => fc.in(tx).receive(q)),
      inTx((tx, fc) => fc.in(tx).peek(q)),
      inTx((tx, fc) => fc.in(tx).size(q)),
    ];
    for (const call of calls) await expectRefused(f(), () => call({ facade, db }), 'INVALID_ARGUMENT');
  });

  it.each(BAD_TAKE)('receive/peek options %s → INVALID_ARGUMENT', async (_, opts) => {
    const { queue: facade, db } = f();
    await sendAll(f(), RUN, 'has-messages', [1]);
    const o = as<TakeOptions>(opts);
    const calls: Call[] = [
      ({ facade }) => facade.receive(RUN, 'has-messages', o),
      ({ facade }) => facade.peek(RUN, 'has-messages', o),
      inTx((tx, fc) => fc.in(tx).receive('has-messages', o)),
      inTx((tx, fc) => fc.in(tx).peek('has-messages', o)),
    ];
    for (const call of calls) await expectRefused(f(), () => call({ facade, db }), 'INVALID_ARGUMENT');
  });

  it.each(BAD_MESSAGES)('message %s → INVALID_VALUE naming %s', async (_, message, path) => {
    const { queue: facade, db } = f();
    const m = as<Value>(message);
    await expectRefused(f(), () => facade.send(RUN, 'q', m), 'INVALID_VALUE', path);
    const call = inTx((tx, fc) => fc.in(tx).send('q', m));
    await expectRefused(f(), () => call({ facade, db }), 'INVALID_VALUE', path);
  });

  it.each(badOptions({ max: 2 }, { maxx: 'max', limit: 'max', count: 'max' }))(
    'receive/peek options: %s → INVALID_ARGUMENT',
    async (_, opts) => {
      const { queue: facade, db } = f();
      await sendAll(f(), RUN, 'has-messages', [1]);
      const o = as<TakeOptions>(opts);
      await expectRefused(f(), () => facade.receive(RUN, 'has-messages', o), 'INVALID_ARGUMENT');
      await expectRefused(f(), () => facade.peek(RUN, 'has-messages', o), 'INVALID_ARGUMENT');
      const call = inTx((tx, fc) => fc.in(tx).receive('has-messages', o));
      await expectRefused(f(), () => call({ facade, db }), 'INVALID_ARGUMENT');
    },
  );

  it('a misspelt option names the closest one; an options getter is read once', async () => {
    const { queue } = f();
    await expect(queue.peek(RUN, 'q', { maxx: 2 } as never)).rejects.toThrow('did you mean "max"?');
    expect(() => new MessageQueue(f().db, { capcity: 5 } as never)).toThrow('did you mean "capacity"?');
    await sendAll(f(), RUN, 'getter', [1, 2, 3]);
    expect(await queue.peek(RUN, 'getter', flipping('max', 2, 0) as TakeOptions)).toHaveLength(2);
  });

  it.each(hostileValues())('message: %s', async (_, make, outcome) => {
    const { queue: facade, db } = f();
    if ('refused' in outcome) {
      await expectRefused(f(), () => facade.send(RUN, 'q', make() as Value), outcome.refused);
      const call = inTx((tx, fc) => fc.in(tx).send('q', make() as Value));
      await expectRefused(f(), () => call({ facade, db }), outcome.refused);
      return;
    }
    await facade.send(RUN, 'hostile', make() as Value);
    const [got] = await facade.receive(RUN, 'hostile');
    expect(got?.message).toStrictEqual(outcome.stored);
  });

  it('a message larger than maxValueBytes − RECORD_OVERHEAD_BYTES → INVALID_VALUE', async () => {
    const { queue, db } = f();
    await expectRefused(f(), () => queue.send(RUN, 'q', 'x'.repeat(db.maxValueBytes)), 'INVALID_VALUE');
  });

  it.each<[string, unknown]>([
    ['capacity 0', { capacity: 0 }],
    ['capacity -1', { capacity: -1 }],
    ['capacity 2.5', { capacity: 2.5 }],
    ['capacity Infinity', { capacity: Number.POSITIVE_INFINITY }],
    ['capacity "10"', { capacity: '10' }],
    ['null options', null],
    ['string options', 'big'],
  ])('new MessageQueue(db, %s) → INVALID_ARGUMENT', (_, opts) => {
    expect(() => new MessageQueue(f().db, as<MessageQueueOptions>(opts))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
