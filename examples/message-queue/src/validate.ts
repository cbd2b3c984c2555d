import { checkInt, checkOptions, checkPositiveInt, validateKeyString } from '@agentdb/core';
import type { MessageQueueOptions, TakeOptions } from './queued-message.js';

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
