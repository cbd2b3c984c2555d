import type { Value } from '@agentdb/core';

/** One state cell as read: its value, its version (≥ 1) and when it was last written. */
export interface State {
  value: Value;
  /** Starts at 1 and grows by exactly 1 per write; never reused, not even after delete. */
  version: number;
  /** Clock time (integer ms since the epoch) of the write that produced this version. */
  updatedAt: number;
}

/**
 * A pure transition: computes the next value (and an optional result for the caller) from the current
 * state. It may run several times (once per optimistic attempt), so it must not touch anything outside
 * its argument and its own locals.
 */
export type TransitionFn<T> = (state: Readonly<State>) => { value: Value; result?: T };

/** What `transition` and `transitionOrInit` resolve to: the closure's result and the state it wrote. */
export interface TransitionOutcome<T> {
  result: T | undefined;
  version: number;
  value: Value;
}
