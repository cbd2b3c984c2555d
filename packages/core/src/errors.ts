/**
 * Every failure AgentDB reports is an `AgentDBError` with a stable `code`. Callers branch on `code`
 * (and the structured fields), never on message text; messages say how to fix the problem.
 */
export type ErrorCode =
  | 'CONFLICT'
  | 'VERSION_MISMATCH'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'INVALID_TRANSITION'
  | 'INVALID_ARGUMENT'
  | 'INVALID_VALUE'
  | 'CLOSED'
  | 'TIMEOUT'
  | 'CORRUPTION'
  | 'STORAGE';

/** Structured fields an error may carry, depending on its code. */
export interface ErrorDetails {
  /** VERSION_MISMATCH: the version the caller expected. */
  expected?: number;
  /** VERSION_MISMATCH: the version actually stored (0 when the record is missing). */
  actual?: number;
  /** INVALID_TRANSITION: the current status. */
  from?: string;
  /** INVALID_TRANSITION: the requested status. */
  to?: string;
  /** INVALID_VALUE: the path of the offending field, e.g. `payload.steps[3].fn`. */
  path?: string;
  /** CONFLICT: how many attempts were made. */
  attempts?: number;
  /** The underlying error (STORAGE, CORRUPTION). */
  cause?: unknown;
}

/**
 * The one error class of AgentDB.
 *
 * @example
 * try {
 *   throw new AgentDBError('VERSION_MISMATCH', 'cell "phase" is at 4', { expected: 3, actual: 4 }); // what a stale cas gets
 * } catch (e) {
 *   if (isAgentDBError(e, 'VERSION_MISMATCH')) console.log(e.expected, e.actual); // 3 4
 * }
 */
export class AgentDBError extends Error {
  override readonly name = 'AgentDBError';
  readonly code: ErrorCode;
  readonly expected?: number;
  readonly actual?: number;
  readonly from?: string;
  readonly to?: string;
  readonly path?: string;
  readonly attempts?: number;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(`${code}: ${message}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    if (details.expected !== undefined) this.expected = details.expected;
    if (details.actual !== undefined) this.actual = details.actual;
    if (details.from !== undefined) this.from = details.from;
    if (details.to !== undefined) this.to = details.to;
    if (details.path !== undefined) this.path = details.path;
    if (details.attempts !== undefined) this.attempts = details.attempts;
  }
}

/**
 * True when `e` is an `AgentDBError`, optionally with the given code.
 *
 * @example
 * if (isAgentDBError(err, 'NOT_FOUND')) return undefined;
 */
export function isAgentDBError(e: unknown, code?: ErrorCode): e is AgentDBError {
  return e instanceof AgentDBError && (code === undefined || e.code === code);
}

/** Shorthand for the most common refusal: `throw invalidArgument('limit must be a positive integer')`. */
export function invalidArgument(message: string): AgentDBError {
  return new AgentDBError('INVALID_ARGUMENT', message);
}
