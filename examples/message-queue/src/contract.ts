import type { KeyRange } from '@agentdb/core';
import type { Engine, EngineTransaction } from '@agentdb/engine';
import { expect } from 'vitest';
import { MESSAGE_QUEUE_TAG, messageQueueRange } from './layout.js';
import { MessageQueue } from './message-queue.js';

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
