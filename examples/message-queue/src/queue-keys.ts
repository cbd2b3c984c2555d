import { type EncodedKey, Key, type KeyRange, tagRange } from '@agentdb/core';
import { MESSAGE_QUEUE_TAG } from './type-tag.js';

/**
 * Key layout of one run's queues, all under TypeTag 0x10 (`Key.of(0x10, runId, …)`):
 *
 * - `('tail', queue)` → `{ v, queue, next }`: the sequence the next `send` gets. Written only by
 *   commit-time mutations (`send`), so concurrent senders never conflict. It also carries the queue's
 *   name, so `queues()` walks these records and never decodes a key.
 * - `('head', queue)` → `{ v, head }`: the sequence of the oldest message not yet received. Written only
 *   by `receive`, an optimistic transaction: two receivers that read the same head cannot both commit,
 *   which is what makes delivery exactly-once.
 * - `('msg', queue, sequence)` → `{ v, sequence, sentAt, message }`: one message, deleted when received.
 *
 * The size is `next − head` (two point reads: O(1)). Keeping the two counters in separate records means
 * senders and receivers do not contend on one key: a send only *reads* the head, at commit time, to
 * enforce the capacity. Numbers sort before strings and every prefix is a contiguous range, so
 * `('msg', queue)` holds exactly one queue's messages in sequence order.
 */
const TAIL = 'tail';
const HEAD = 'head';
const MSG = 'msg';

/** The key of the queue's tail record (the next sequence). */
export function tailKey(runId: string, queue: string): EncodedKey {
  return Key.of(MESSAGE_QUEUE_TAG, runId, TAIL, queue);
}

/** The key of the queue's head record (the oldest unreceived sequence). */
export function headKey(runId: string, queue: string): EncodedKey {
  return Key.of(MESSAGE_QUEUE_TAG, runId, HEAD, queue);
}

/** The key of message `sequence` of the queue. */
export function messageKey(runId: string, queue: string, sequence: number): EncodedKey {
  return Key.of(MESSAGE_QUEUE_TAG, runId, MSG, queue, sequence);
}

/** Messages of the queue with sequences in `[from, to)`. */
export function messageRange(runId: string, queue: string, from: number, to: number): KeyRange {
  return { start: messageKey(runId, queue, from), end: messageKey(runId, queue, to) };
}

/** Every message of the queue still stored (received ones are deleted), oldest first. */
export function allMessagesRange(runId: string, queue: string): KeyRange {
  return tagRange(runId, MESSAGE_QUEUE_TAG, MSG, queue);
}

/** Every tail record of a run: one per queue ever sent to. */
export function tailsRange(runId: string): KeyRange {
  return tagRange(runId, MESSAGE_QUEUE_TAG, TAIL);
}

/**
 * Every key the message queue stores for `runId` (all queues, counters and messages). It lies inside
 * `runRange(runId)`, so deleting a run deletes its queues.
 *
 * @example
 * for await (const { key } of db.scan(messageQueueRange('run-1'))) …
 */
export function messageQueueRange(runId: string): KeyRange {
  return tagRange(runId, MESSAGE_QUEUE_TAG);
}
