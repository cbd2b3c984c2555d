import type { KeyRange } from '@agentdb/core';
import type { Engine, EngineTransaction } from '@agentdb/engine';
import { expect } from 'vitest';
import { MESSAGE_QUEUE_TAG, messageQueueRange } from './layout.js';
import { MessageQueue } from './message-queue.js';

/**
 * The message queue as the extension of `@agentdb/primitives/contract`'s cascade-delete suite: it
 * stores queued messages beside every built-in primitive, in the same transaction, and checks after
 * commit that the send's handle and a later receive saw them. Test code only (imports vitest).
 *
 * @example
 * primitivesContract('lmdb', subject, { extension: messageQueueExtension });
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
