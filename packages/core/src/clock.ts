import { describe } from './describe.js';
import { AgentDBError, invalidArgument } from './errors.js';

/** Milliseconds since the epoch. Injectable so tests control time (TTL, timestamps). */
export type Clock = () => number;

/** The default clock. */
export const systemClock: Clock = Date.now;

/**
 * Reads a clock, insisting on a non-negative integer so every timestamp AgentDB stores is one. A clock
 * that throws or returns anything else is `INVALID_ARGUMENT` (the clock is an option of
 * `Database.open`), the same error on every path that reads it; a thrown error is kept as `cause`.
 *
 * @example
 * const t = readClock(() => 1_700_000_000_000);
 */
export function readClock(clock: Clock): number {
  let t: unknown;
  try {
    t = clock();
  } catch (cause) {
    throw new AgentDBError(
      'INVALID_ARGUMENT',
      `the clock threw (${String(cause)}); it must return integer milliseconds since the epoch`,
      { cause },
    );
  }
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) {
    throw invalidArgument(
      `the clock returned ${describe(t)}; it must return integer milliseconds since the epoch`,
    );
  }
  return t;
}
