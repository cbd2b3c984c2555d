import { checkOptions, describe, invalidArgument, snapshotValue, type Value } from '@agentdb/core';
import type { TransitionFn } from './types.js';

/*
 * Argument checks shared by the facade and the transaction view. Each throws before anything is
 * buffered: INVALID_ARGUMENT for wrong shapes, INVALID_VALUE (with the offending path) for values.
 * Run ids and names are checked by the key builders of @agentdb/core (INVALID_ARGUMENT).
 */

/**
 * A cell value must be a storable `Value`; returns the plain copy to store (read once, so a getter or
 * proxy cannot make the stored value differ from the checked one).
 *
 * @example
 * const v = checkValue(input, 'value');
 */
export function checkValue(value: unknown, name: string): Value {
  return snapshotValue(value, { name });
}

/** An expected version is a non-negative safe integer (0 never matches: versions start at 1). */
export function checkExpectedVersion(expected: unknown): asserts expected is number {
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
    throw invalidArgument(`expectedVersion must be a non-negative integer, got ${describe(expected)}`);
  }
}

/** A transition closure must be a function. */
export function checkTransitionFn<T>(fn: unknown): asserts fn is TransitionFn<T> {
  if (typeof fn !== 'function') {
    throw invalidArgument(`transition needs a function (state) => ({ value, result? }), got ${describe(fn)}`);
  }
}

function isThenable(v: object): boolean {
  return typeof (v as { then?: unknown }).then === 'function';
}

/**
 * Checks what a transition closure returned. A promise is refused: the closure is re-run on conflict
 * and must be a pure, synchronous computation (no I/O that could run twice).
 */
export function checkTransitionOutput<T>(out: unknown): { value: Value; result: T | undefined } {
  if (out === null || typeof out !== 'object' || Array.isArray(out)) {
    throw invalidArgument(`a transition closure must return { value, result? }, got ${describe(out)}`);
  }
  if (isThenable(out)) {
    // Nobody will ever await it: keep a rejection from surfacing as an unhandled one.
    Promise.resolve(out).catch(() => {});
    throw invalidArgument(
      'a transition closure must be synchronous and pure (it may re-run on conflict); it returned a promise',
    );
  }
  // Read once, and only known fields: a misspelt `reslt` would otherwise silently lose the result.
  const o = checkOptions(out, ['value', 'result'], 'transition closure result');
  if (!('value' in o)) {
    throw invalidArgument('a transition closure must return { value, result? }; the value field is missing');
  }
  return { value: checkValue(o.value, 'value'), result: o.result as T | undefined };
}
