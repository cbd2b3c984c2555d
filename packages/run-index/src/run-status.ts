import { AgentDBError, describe, invalidArgument } from '@agentdb/core';

/** Where a run is in its lifecycle. */
export type RunStatus = 'active' | 'completed' | 'failed' | 'cancelled' | 'paused' | 'archived';

/** Every status, in the order the contract lists them. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'active',
  'completed',
  'failed',
  'cancelled',
  'paused',
  'archived',
];

/** Statuses that end the work of a run: entering one stamps `completedAt`. */
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

// The documented transition table (docs/architecture.md, README), as data: anything not listed is INVALID_TRANSITION.
const ALLOWED: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  active: RUN_STATUSES,
  paused: ['active', 'cancelled', 'archived'],
  completed: ['archived'],
  failed: ['archived'],
  cancelled: ['archived'],
  archived: [],
};

/** True when `s` is one of the six statuses. @example isRunStatus('active') // true */
export function isRunStatus(s: unknown): s is RunStatus {
  return typeof s === 'string' && (RUN_STATUSES as readonly string[]).includes(s);
}

/**
 * Whether a run may move from `from` to `to`: `active → any` (active → active is a no-op),
 * `paused → active | cancelled | archived`, `completed | failed | cancelled → archived`; `archived`
 * is terminal. Pure; unknown statuses are never valid.
 *
 * @example
 * isValidTransition('paused', 'active');    // true
 * isValidTransition('completed', 'active'); // false
 */
export function isValidTransition(from: RunStatus, to: RunStatus): boolean {
  if (!isRunStatus(from) || !isRunStatus(to)) return false;
  return ALLOWED[from].includes(to);
}

/** Throws `INVALID_ARGUMENT` unless `status` is a RunStatus. */
export function assertRunStatus(status: unknown, what = 'status'): asserts status is RunStatus {
  if (!isRunStatus(status)) {
    throw invalidArgument(`${what} must be one of ${RUN_STATUSES.join(', ')}; got ${describe(status)}`);
  }
}

/** Throws `INVALID_TRANSITION` (with `from`/`to`) unless the move is allowed. */
export function assertTransition(runId: string, from: RunStatus, to: RunStatus): void {
  if (!isValidTransition(from, to)) {
    throw new AgentDBError(
      'INVALID_TRANSITION',
      `run "${runId}" cannot go from ${from} to ${to}` +
        (from === 'archived' ? ' (archived is terminal)' : ` (from ${from}: ${ALLOWED[from].join(', ')})`),
      { from, to },
    );
  }
}
