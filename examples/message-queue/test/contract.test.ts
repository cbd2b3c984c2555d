import type { Value } from '@agentdb/core';
import { primitiveContract, refusalsOf } from '@agentdb/engine/primitive-contract';
import { badKeyStrings, badValues } from '@agentdb/engine/testing';
import { MessageQueue, type MessageQueueView } from '../src/index.js';

// The primitive contract every primitive keeps — extensions too (bad run ids, in() binding, refusals,
// CLOSED).
primitiveContract<MessageQueue, MessageQueueView>({
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
});
