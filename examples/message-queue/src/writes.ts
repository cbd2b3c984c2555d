import { AgentDBError, readClock } from '@agentdb/core';
import type { EngineTransaction, MutationHandle } from '@agentdb/engine';
import type { CheckedSend } from './arguments.js';
import {
  headKey,
  headRecord,
  messageKey,
  messageRecord,
  parseHead,
  parseTail,
  tailKey,
  tailRecord,
} from './layout.js';
import { oldest } from './reads.js';
import { type QueuedMessage, QueueFullError } from './types.js';

/*
 * Every write of the queues, written once against a transaction, with its arguments already checked
 * (arguments.ts). Timestamps come from the transaction's clock.
 */

/**
 * Registers the send of a message to the back of its queue as a commit-time mutation of the queue's
 * tail: the sequence is assigned inside the commit, on the latest committed state and this commit's
 * earlier writes (so several sends in one transaction count each other against `capacity`), hence
 * concurrent senders never conflict and an aborted transaction consumes no sequence. A full queue
 * refuses the whole transaction at commit with `QueueFullError`.
 */
export function sendMessage(
  tx: EngineTransaction,
  runId: string,
  s: CheckedSend,
  capacity: number,
): MutationHandle<number> {
  const { queue, bytes } = s;
  const tail = tailKey(runId, queue);
  const head = headKey(runId, queue);
  const clock = tx.clock;
  return tx.mutate<number>(tail, (current, ctx) => {
    const next = parseTail(current)?.next ?? 0;
    const first = parseHead(ctx.get(head));
    if (first > next) {
      throw new AgentDBError(
        'CORRUPTION',
        `queue ${JSON.stringify(queue)} of run "${runId}" has its head (${first}) past its tail (${next})`,
      );
    }
    const size = next - first;
    if (size >= capacity) throw new QueueFullError(runId, queue, capacity, size);
    const key = messageKey(runId, queue, next);
    if (ctx.get(key) !== undefined) {
      throw new AgentDBError(
        'CORRUPTION',
        `message ${next} of queue ${JSON.stringify(queue)} exists but the tail does not count it; refusing to overwrite it`,
      );
    }
    ctx.put(key, messageRecord(next, readClock(clock), bytes));
    return { value: tailRecord(queue, next + 1), result: next };
  });
}

/**
 * Removes and returns up to `max` of the oldest messages of `queue`. Exactly-once: the transaction
 * reads the head counter, deletes the messages and moves the head, so two receivers that saw the same
 * messages cannot both commit — the loser is re-run on fresh data and gets the next ones.
 */
export async function receiveMessages(
  tx: EngineTransaction,
  runId: string,
  queue: string,
  max: number,
): Promise<QueuedMessage[]> {
  const { head, taken } = await oldest(tx, runId, queue, max);
  if (taken.length === 0) return [];
  for (const t of taken) tx.delete(t.key);
  tx.put(headKey(runId, queue), headRecord(head + taken.length));
  return taken.map((t) => t.message);
}
