import { checkInt, checkOptions, checkPositiveInt, encodeValue, validateKeyString } from '@agentdb/core';
import { RECORD_OVERHEAD_BYTES } from './layout.js';
import type { MessageQueueOptions, TakeOptions } from './types.js';

/*
 * Argument checks of the message queue, through the kit of @agentdb/core: each reads its input once and
 * throws before anything is read or written — INVALID_ARGUMENT naming the argument, or INVALID_VALUE
 * naming the path inside a message.
 */

/** The default capacity of a queue. */
export const DEFAULT_CAPACITY = 10_000;
/** The most messages one `receive` or `peek` returns. */
export const MAX_TAKE = 1_000;

/** Throws `INVALID_ARGUMENT` unless `queue` is a usable queue name (a key string: 1–512 UTF-8 bytes). */
export function validateQueueName(queue: unknown): asserts queue is string {
  validateKeyString(queue, 'queue name');
}

/** Validates the facade's options (known names only, read once); returns the capacity. */
export function checkQueueOptions(opts: MessageQueueOptions | undefined): number {
  const { capacity } = checkOptions(opts, ['capacity'], 'MessageQueue');
  return capacity === undefined ? DEFAULT_CAPACITY : checkPositiveInt(capacity, 'capacity');
}

/** Validates `receive`/`peek` options (known names only, read once); returns `max`. */
export function checkTakeOptions(opts: TakeOptions | undefined, what: string): number {
  const { max } = checkOptions(opts, ['max'], what);
  return max === undefined ? 1 : checkInt(max, `${what}: max`, 1, MAX_TAKE);
}

/** What `send` writes, checked: the queue and the message's encoded bytes. */
export interface CheckedSend {
  queue: string;
  bytes: Uint8Array;
}

/**
 * Checks what `send` is given: the queue name, and the message, encoded once (INVALID_VALUE naming the
 * offending path) within `maxValueBytes` minus the record's own overhead.
 *
 * @example
 * const s = checkSend('jobs', { url: 'https://example.com' }, db.maxValueBytes);
 */
export function checkSend(queue: unknown, message: unknown, maxValueBytes: number): CheckedSend {
  validateQueueName(queue);
  return {
    queue,
    bytes: encodeValue(message, { name: 'message', maxBytes: maxValueBytes - RECORD_OVERHEAD_BYTES }),
  };
}
