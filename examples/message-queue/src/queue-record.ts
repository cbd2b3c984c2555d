import { AgentDBError, decodeValue, isValueObject, type Value } from '@agentdb/core';
import type { QueuedMessage } from './queued-message.js';

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
