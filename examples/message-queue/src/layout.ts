import {
  AgentDBError,
  decodeValue,
  type EncodedKey,
  isValueObject,
  Key,
  type KeyRange,
  registerTypeTag,
  tagRange,
  type Value,
} from '@agentdb/core';
import type { QueuedMessage } from './types.js';

/*
 * How the queues are laid out: the TypeTag they own, their keys, and the records stored under them.
 * Everything here is pure, except registering the tag when the module loads.
 */

// ─── The TypeTag ────────────────────────────────────────────────────────────────────────────────

/**
 * The TypeTag this extension owns. Extensions take codes in 0x10–0xFF (docs/architecture.md, type tags); every key the
 * queue writes starts `(run, 0x10, …)`, so it lives inside its run's range and nowhere else.
 */
export const MESSAGE_QUEUE_TAG = 0x10;

/** The name the tag is registered under. */
export const MESSAGE_QUEUE_TAG_NAME = 'message-queue';

/**
 * Registers TypeTag 0x10 as `message-queue` in this process. Importing the package already does it;
 * calling it again is harmless (registering the very same pair twice is allowed). Throws
 * `ALREADY_EXISTS` if 0x10 or the name was registered as something else first.
 *
 * @example
 * registerMessageQueueTag();
 * Key.of(MESSAGE_QUEUE_TAG, 'run-1', 'tail', 'jobs'); // a key under the queue's tag
 */
export function registerMessageQueueTag(): void {
  registerTypeTag(MESSAGE_QUEUE_TAG, MESSAGE_QUEUE_TAG_NAME);
}

// At module load: `Key.of(0x10, …)` refuses an unregistered tag, so the tag must exist before any key.
registerMessageQueueTag();

// ─── Keys ───────────────────────────────────────────────────────────────────────────────────────

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
 * for await (const { key } of db.scan(messageQueueRange('run-1'))) console.log(decodeKey(key).parts);
 */
export function messageQueueRange(runId: string): KeyRange {
  return tagRange(runId, MESSAGE_QUEUE_TAG);
}

// ─── Stored records ─────────────────────────────────────────────────────────────────────────────

/**
 * The stored forms of the queue's records, each with a layout version `v`. A message record keeps the
 * message as the CBOR bytes encoded (and size-checked) when `send` was called, so the commit-time
 * mutation stores opaque bytes instead of validating the message a second time under the write lock.
 */
const RECORD_VERSION = 1;

/** Bytes a message record adds around the message's own encoding (a generous upper bound). */
export const RECORD_OVERHEAD_BYTES = 64;

function corrupt(message: string): AgentDBError {
  return new AgentDBError('CORRUPTION', message);
}

const isRecord = isValueObject;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The stored value of a queue's tail record. */
export function tailRecord(queue: string, next: number): Value {
  return { v: RECORD_VERSION, queue, next };
}

/** The next sequence of a queue (0 if it was never sent to); `CORRUPTION` if the record is malformed. */
export function parseTail(value: Value | undefined): { queue: string; next: number } | undefined {
  if (value === undefined) return undefined;
  if (
    !isRecord(value) ||
    value.v !== RECORD_VERSION ||
    typeof value.queue !== 'string' ||
    !isCount(value.next)
  ) {
    throw corrupt('a message-queue tail record is malformed');
  }
  return { queue: value.queue, next: value.next };
}

/** The stored value of a queue's head record. */
export function headRecord(head: number): Value {
  return { v: RECORD_VERSION, head };
}

/** The oldest unreceived sequence of a queue (0 if nothing was ever received). */
export function parseHead(value: Value | undefined): number {
  if (value === undefined) return 0;
  if (!isRecord(value) || value.v !== RECORD_VERSION || !isCount(value.head)) {
    throw corrupt('a message-queue head record is malformed');
  }
  return value.head;
}

/** The stored value of one message. */
export function messageRecord(sequence: number, sentAt: number, message: Uint8Array): Value {
  return { v: RECORD_VERSION, sequence, sentAt, message };
}

/**
 * A stored message; `CORRUPTION` if malformed, or if it is not the `expected` sequence (when given): a
 * gap or a record under the wrong key.
 */
export function parseMessage(value: Value, expected: number | undefined): QueuedMessage {
  if (
    !isRecord(value) ||
    value.v !== RECORD_VERSION ||
    !isCount(value.sequence) ||
    !isCount(value.sentAt) ||
    !(value.message instanceof Uint8Array)
  ) {
    throw corrupt(
      `a message record of a queue is malformed${expected === undefined ? '' : ` (at ${expected})`}`,
    );
  }
  if (expected !== undefined && value.sequence !== expected) {
    throw corrupt(`the record found where message ${expected} belongs says sequence ${value.sequence}`);
  }
  return { sequence: value.sequence, message: decodeValue(value.message), sentAt: value.sentAt };
}
