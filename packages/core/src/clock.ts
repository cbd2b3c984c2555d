import { invalidArgument } from './errors.js';

/** Milliseconds since the epoch. Injectable so tests control time (TTL, timestamps). */
export type Clock = () => number;

/** The default clock. */
export const systemClock: Clock = Date.now;

/**
 * Reads a clock, insisting on a non-negative integer so every timestamp AgentDB stores is one.
 *
 * @example
 * const t = readClock(() => 1_700_000_000_000);
 */
export function readClock(clock: Clock): number {
  const t = clock();
  if (!Number.isSafeInteger(t) || t < 0) {
    throw invalidArgument(
      `the clock returned ${String(t)}; it must return integer milliseconds since the epoch`,
    );
  }
  return t;
}
