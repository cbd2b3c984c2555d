import type { KeyRange, Value } from '@agentdb/core';
import type { Engine, EngineTransaction } from '@agentdb/engine';
import { type PrimitiveSubject, refusalsOf } from '@agentdb/engine/primitive-contract';
import { badKeyStrings, badValues } from '@agentdb/engine/testing';
import { expect } from 'vitest';
import { MESSAGE_QUEUE_TAG, messageQueueRange } from './layout.js';
import { MessageQueue } from './message-queue.js';
import type { MessageQueueView } from './message-queue-view.js';

/**
 * The message queue as the extension of `@agentdb/primitives/contract`'s cascade-delete suite
 * (`primitivesContract(name, subject, { extension: messageQueueExtension })`): it stores queued messages
 * beside every built-in primitive, in the same transaction, and checks after commit that the send's
 * handle and a later receive saw them. Test code only (it imports vitest).
 *
 * @example
 * let check!: () => Promise<void>;
 * await db.transaction((tx) => { check = messageQueueExtension.write(db, tx, 'run-1'); }, { runId: 'run-1' });
 * await check(); // the first send got sequence 0, and a receive takes that message
 * await messageQueueExtension.size(db, 'run-1'); // 1 message left in 'jobs'
 */
export const messageQueueExtension = {
  tag: MESSAGE_QUEUE_TAG,
  range: (runId: string): KeyRange => messageQueueRange(runId),
  write(engine: Engine, tx: EngineTransaction, runId: string): () => Promise<void> {
    const queue = new MessageQueue(engine);
    const sent = queue.in(tx).send('jobs', { job: 1 });
    queue.in(tx).send('jobs', { job: 2 });
    queue.in(tx).send('results', { job: 0 });
    return async () => {
      expect(await sent).toBe(0);
      expect(await queue.receive(runId, 'jobs')).toMatchObject([{ sequence: 0, message: { job: 1 } }]);
    };
  },
  size: (engine: Engine, runId: string): Promise<number> => new MessageQueue(engine).size(runId, 'jobs'),
};

/**
 * MessageQueue as the subject of the primitive contract (`primitiveContract` of
 * `@agentdb/engine/primitive-contract`): how the suite builds it, calls every method with a run id,
 * and which calls through a view must be refused. Its tests run it on LMDB; give it another `open` to
 * run it on another engine (`primitiveContract({ ...messageQueueContractSubject, open })`, as `@agentdb/postgres` does).
 * Test code: the suite imports vitest.
 *
 * @example
 * const queue = messageQueueContractSubject.create(db); // a MessageQueue, as the suite builds it
 */
export const messageQueueContractSubject: PrimitiveSubject<MessageQueue, MessageQueueView> = {
  name: 'MessageQueue',
  create: (engine) => new MessageQueue(engine, { capacity: 3 }),
  in: (queue, tx, runId) => queue.in(tx, runId),
  seed: (queue, run) => queue.send(run, 'jobs', { n: 1 }),
  byRun: {
    send: (q, run) => q.send(run, 'q', 1),
    receive: (q, run) => q.receive(run, 'jobs'),
    peek: (q, run) => q.peek(run, 'jobs'),
    size: (q, run) => q.size(run, 'jobs'),
    queues: (q, run) => q.queues(run),
  },
  viewCalls: {
    send: (v) => v.send('q', 1),
    receive: (v) => v.receive('jobs'),
    peek: (v) => v.peek('jobs'),
    size: (v) => v.size('jobs'),
    queues: (v) => v.queues(),
  },
  write: (v) => v.send('probe', 1),
  written: async (queue, run) => (await queue.size(run, 'probe')) > 0,
  refusals: [
    ...refusalsOf<MessageQueueView>(
      badKeyStrings(),
      'send to a queue named',
      (v, name) => v.send(name as string, 1),
      'INVALID_ARGUMENT',
    ),
    ...refusalsOf<MessageQueueView>(
      badValues(),
      'send of a message with',
      (v, message) => v.send('jobs', message as Value),
      'INVALID_VALUE',
    ),
    ['receive of max 0', (v) => v.receive('jobs', { max: 0 }), 'INVALID_ARGUMENT'],
  ],
};
