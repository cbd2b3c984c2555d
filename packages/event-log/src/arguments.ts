import { checkBoolean, checkInt, checkOptions, describe, encodeValue, invalidArgument } from '@agentdb/core';
import type { IterOptions } from './types.js';

/*
 * Argument checks of the event log, through the kit of @agentdb/core: each reads its input once (a
 * plain copy) and throws before anything is read or written — INVALID_ARGUMENT naming the argument, or
 * INVALID_VALUE naming the path inside the payload.
 */

/** Longest event type, in characters (UTF-16 code units, i.e. JavaScript `length`). */
export const MAX_EVENT_TYPE_LENGTH = 256;
/** Largest `iter` batch. */
export const MAX_BATCH_SIZE = 10_000;
/** Default `iter` batch. */
export const DEFAULT_BATCH_SIZE = 256;

// The type index stores the event type inside a key; the key codec cannot carry U+0000–U+0004.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
const FORBIDDEN_CHARS = /[\u0000-\u0004]/;

/** Throws `INVALID_ARGUMENT` unless `eventType` is a usable event type. */
export function validateEventType(eventType: unknown): asserts eventType is string {
  if (typeof eventType !== 'string')
    throw invalidArgument(`eventType must be a string, got ${describe(eventType)}`);
  if (eventType.length === 0) throw invalidArgument('eventType must not be empty');
  if (eventType.length > MAX_EVENT_TYPE_LENGTH) {
    throw invalidArgument(
      `eventType is ${eventType.length} characters; the limit is ${MAX_EVENT_TYPE_LENGTH}`,
    );
  }
  if (FORBIDDEN_CHARS.test(eventType))
    throw invalidArgument('eventType must not contain characters U+0000–U+0004');
  if (!eventType.isWellFormed())
    throw invalidArgument('eventType contains a lone surrogate (not well-formed UTF-16)');
}

/** Throws `INVALID_ARGUMENT` unless `n` is a non-negative safe integer. */
export function validateSequence(n: unknown, what = 'sequence'): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw invalidArgument(`${what} must be a non-negative integer, got ${describe(n)}`);
  }
}

/** What `append` writes, checked: the event type, the payload's encoded bytes and the expected sequence. */
export interface CheckedAppend {
  eventType: string;
  /** The payload as the CBOR bytes that are stored and hashed. */
  payloadBytes: Uint8Array;
  /** Append only if the event gets this sequence. */
  expected: number | undefined;
}

/**
 * Checks what `append` is given: the event type, the payload (encoded once: INVALID_VALUE naming the
 * offending path) and the options (known names only, read once).
 *
 * @example
 * const a = checkAppend('tool_call', { tool: 'search' }, { expectedSequence: 3 });
 */
export function checkAppend(eventType: unknown, payload: unknown, opts: unknown): CheckedAppend {
  validateEventType(eventType);
  const expected = checkAppendOptions(opts);
  return { eventType, payloadBytes: encodeValue(payload, { name: 'payload' }), expected };
}

function checkAppendOptions(opts: unknown): number | undefined {
  if (opts === undefined) return undefined;
  const { expectedSequence } = checkOptions(opts, ['expectedSequence'], 'append');
  if (expectedSequence !== undefined) validateSequence(expectedSequence, 'expectedSequence');
  return expectedSequence as number | undefined;
}

/** `iter` options after validation and defaults. */
export interface ResolvedIterOptions {
  from: number;
  batchSize: number;
  follow: boolean;
  signal: AbortSignal | undefined;
}

/** Validates `iter` options (known names only, read once) and fills in defaults. */
export function checkIterOptions(opts: IterOptions | undefined): ResolvedIterOptions {
  const o = checkOptions(opts, ['from', 'batchSize', 'follow', 'signal'], 'iter');
  const from = o.from ?? 0;
  validateSequence(from, 'from');
  const batchSize = checkInt(o.batchSize ?? DEFAULT_BATCH_SIZE, 'batchSize', 1, MAX_BATCH_SIZE);
  const follow = o.follow === undefined ? false : checkBoolean(o.follow, 'follow');
  const { signal } = o;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw invalidArgument(`signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return { from, batchSize, follow, signal };
}
