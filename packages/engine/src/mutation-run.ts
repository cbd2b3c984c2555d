import { invalidArgument, type Value } from '@agentdb/core';
import type { MutationContext, MutationFn } from './contract.js';

/**
 * Runs one commit-time mutation function on `current` and checks what it returned: a mutation must
 * be synchronous and return `{ value, result }` (`value` undefined deletes the key). Shared by the
 * commit, which applies mutations to the latest committed state, and by a transaction's own reads of
 * a key it has mutations pending for, which preview them on its snapshot.
 *
 * @example
 * const ctx: MutationContext = { get: () => undefined, put: () => {}, delete: () => {} };
 * const { value } = runMutation((n) => ({ value: Number(n ?? 0) + 1, result: null }), 41, ctx); // 42
 */
export function runMutation(
  fn: MutationFn<unknown>,
  current: Value | undefined,
  ctx: MutationContext,
): { value: Value | undefined; result: unknown } {
  const out = fn(current, ctx) as unknown;
  if (out instanceof Promise || typeof (out as { then?: unknown })?.then === 'function') {
    throw invalidArgument('a mutation function must be synchronous and return { value, result }');
  }
  if (out === null || typeof out !== 'object' || !('value' in out)) {
    throw invalidArgument(
      'a mutation function must return { value, result } (value undefined deletes the key)',
    );
  }
  const { value, result } = out as { value: Value | undefined; result: unknown };
  return { value, result };
}
