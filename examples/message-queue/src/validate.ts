import { describe, invalidArgument, validateKeyString } from '@agentdb/core';
import type { MessageQueueOptions, TakeOptions } from './queued-message.js';

/** The default capacity of a queue. */
export const DEFAULT_CAPACITY = 10_000;
/** The most messages one `receive` or `peek` returns. */
export const MAX_TAKE = 1_000;

/** Throws `INVALID_ARGUMENT` unless `queue` is a usable queue name (a key string: 1–512 UTF-8 bytes). */
export function validateQueueName(queue: unknown): asserts queue is string {
  validateKeyString(queue, 'queue name');
}

function checkObject(opts: unknown, what: string): asserts opts is Record<string, unknown> {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw invalidArgument(`${what} options must be an object, got ${describe(opts)}`);
  }
}

/** Validates the facade's options; returns the capacity. */
export function checkQueueOptions(opts: MessageQueueOptions | undefined): number {
  if (opts === undefined) return DEFAULT_CAPACITY;
  checkObject(opts, 'MessageQueue');
  const { capacity = DEFAULT_CAPACITY } = opts;
  if (typeof capacity !== 'number' || !Number.isSafeInteger(capacity) || capacity < 1) {
    throw invalidArgument(`capacity must be a positive integer, got ${describe(capacity)}`);
  }
  return capacity;
}

/** Validates `receive`/`peek` options; returns `max`. */
export function checkTakeOptions(opts: TakeOptions | undefined, what: string): number {
  if (opts === undefined) return 1;
  checkObject(opts, what);
  const { max = 1 } = opts;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1 || max > MAX_TAKE) {
    throw invalidArgument(`${what}: max must be an integer from 1 to ${MAX_TAKE}, got ${describe(max)}`);
  }
  return max;
}
