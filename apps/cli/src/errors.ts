import { isAgentDBError } from '@agentdb/primitives';

/** Exit statuses: 0 success, 1 a failure (verify found damage, unknown run, storage error …), 2 bad usage. */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/**
 * An error the CLI reports as one line (`agentdb: <message>`) and an exit status, without a stack.
 *
 * @example
 * throw new CliError(`run "x" not found in ./data`);
 */
export class CliError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/**
 * A usage error (bad arguments): exit status 2.
 *
 * @example
 * throw usageError('--limit must be a positive integer');
 */
export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

/**
 * The one-line message and exit status for anything a command threw. AgentDB's own errors carry
 * messages written for users; bad arguments refused by the database count as usage errors.
 *
 * @example
 * const { message, exitCode } = describeError(e);
 */
export function describeError(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: firstLine(error.message), exitCode: error.exitCode };
  if (isAgentDBError(error)) {
    // AgentDB messages start with their code; for a bad argument or a missing thing the sentence
    // says it all, while CORRUPTION, STORAGE … keep the code as the headline.
    const plain = error.code === 'INVALID_ARGUMENT' || error.code === 'NOT_FOUND';
    const message = plain ? error.message.replace(`${error.code}: `, '') : error.message;
    return {
      message: firstLine(message),
      exitCode: error.code === 'INVALID_ARGUMENT' ? EXIT_USAGE : EXIT_FAILURE,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: firstLine(message), exitCode: EXIT_FAILURE };
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
