import { join } from 'node:path';
import { Database } from '@agentdb/engine';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { MessageQueue } from '../src/index.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh database.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': [
      'MessageQueue',
      'MessageQueueView',
      'QueuedMessage',
      'isQueueFull',
      'MESSAGE_QUEUE_TAG',
      'messageQueueRange',
      'registerMessageQueueTag',
    ],
    '@agentdb/engine': ['Database', 'MutationHandle'],
    '@agentdb/core': ['Key', 'Value', 'decodeKey', 'registerTypeTag', 'validateRunId'],
  },
  fixtureType:
    '{ db: Database; queue: MessageQueue; runId: string; message: Value; job: Value; work: (message: Value) => Promise<Value>; backOff: () => Promise<void> }',
  async open() {
    const db = await Database.open();
    return {
      fixtures: {
        db,
        queue: new MessageQueue(db),
        runId: 'run-1',
        message: { url: 'https://example.com' },
        job: { step: 1 },
        work: async (message: unknown) => ({ done: message === undefined ? null : 'yes' }),
        backOff: async () => {},
      },
      dispose: () => db.close(),
    };
  },
  inTransaction: (code) => `await db.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
