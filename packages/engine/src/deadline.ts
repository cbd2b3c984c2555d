import { AgentDBError } from '@agentdb/core';

/** Time-keeping for transactions: the `TIMEOUT` error, waits bounded by a deadline, retry backoff. */

/**
 * The error of a transaction past its `timeoutMs`.
 *
 * @example
 * timeoutError().code; // 'TIMEOUT'
 */
export function timeoutError(): AgentDBError {
  return new AgentDBError('TIMEOUT', 'the transaction ran past its timeoutMs; nothing was committed');
}

/** Throws `TIMEOUT` once `deadline` (a `performance.now()` time) has passed. */
export function checkDeadline(deadline: number | undefined): void {
  if (deadline !== undefined && performance.now() > deadline) throw timeoutError();
}

/**
 * `p`, or `TIMEOUT` at the deadline, whichever comes first. If the deadline wins, `abandon` gets what
 * `p` resolves to later (so a lock acquired too late is handed back).
 *
 * @example
 * await withDeadline(sleep(1), performance.now() + 5_000); // resolves: the wait ends first
 */
export async function withDeadline<R>(
  p: Promise<R>,
  deadline: number | undefined,
  abandon?: (r: R) => void,
): Promise<R> {
  if (deadline === undefined) return p;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), Math.max(0, deadline - performance.now()));
  });
  try {
    return await Promise.race([p, timeout]);
  } catch (error) {
    if (abandon !== undefined) p.then(abandon, () => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Resolves after `ms` milliseconds.
 *
 * @example
 * await sleep(1);
 */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Jittered exponential backoff before attempt `attempt` (at most 100 ms).
 *
 * @example
 * await backoff(1); // waits up to 2 ms
 */
export function backoff(attempt: number): Promise<void> {
  return sleep(Math.random() * Math.min(100, 2 ** attempt));
}
