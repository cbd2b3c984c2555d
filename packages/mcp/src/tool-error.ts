import { isAgentDBError } from '@agentdb/primitives';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';

/**
 * A refusal as a client sees it. `code` is AgentDB's error code (`VERSION_MISMATCH`, `NOT_FOUND`,
 * `INVALID_ARGUMENT`, …), or `INTERNAL` for a bug in the server; the other fields are the error's
 * structured details, present when they apply.
 */
export interface ToolErrorInfo {
  code: string;
  message: string;
  /** VERSION_MISMATCH: the version or sequence the caller expected. */
  expected?: number;
  /** VERSION_MISMATCH: the one actually there. */
  actual?: number;
  /** INVALID_TRANSITION: the run's status. */
  from?: string;
  /** INVALID_TRANSITION: the status asked for. */
  to?: string;
  /** INVALID_VALUE: the offending field. */
  path?: string;
  /** transaction: the operation that failed (0-based), when it is known. */
  operation_index?: number;
  /** transaction: that operation's name. */
  operation?: string;
}

/** The `_meta` key under which an error result carries `ToolErrorInfo`. */
export const ERROR_META_KEY = 'agentdb/error';

/** What went wrong, for a transaction: which of its operations. */
export interface FailedOperation {
  index: number;
  name: string;
}

/**
 * An error thrown by one operation of a transaction, with where it happened. The tool reports the
 * operation's error with its index.
 *
 * @example
 * const failure = new OperationFailure(new AgentDBError('VERSION_MISMATCH', 'stale'), { index: 2, name: 'state_cas' });
 * toolError(failure); // isError, text 'VERSION_MISMATCH: operations[2] (state_cas): stale …'
 */
export class OperationFailure extends Error {
  readonly failed: FailedOperation;

  constructor(cause: unknown, failed: FailedOperation) {
    super(`operation ${failed.index} (${failed.name}) failed`, { cause });
    this.name = 'OperationFailure';
    this.failed = failed;
  }
}

/**
 * The structured form of anything a tool threw. AgentDB errors keep their code and details; any
 * other error is a bug in the server and says so.
 *
 * @example
 * describeToolError(new AgentDBError('NOT_FOUND', 'no such run')); // { code: 'NOT_FOUND', message: 'no such run' }
 */
export function describeToolError(error: unknown, failed?: FailedOperation): ToolErrorInfo {
  const at = failed === undefined ? {} : { operation_index: failed.index, operation: failed.name };
  if (isAgentDBError(error)) {
    const { code } = error;
    const info: ToolErrorInfo = { code, message: error.message.replace(`${code}: `, ''), ...at };
    if (error.expected !== undefined) info.expected = error.expected;
    if (error.actual !== undefined) info.actual = error.actual;
    if (error.from !== undefined) info.from = error.from;
    if (error.to !== undefined) info.to = error.to;
    if (error.path !== undefined) info.path = error.path;
    return info;
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message: `unexpected server error: ${message}`, ...at };
}

/**
 * A tool result for a refusal: `isError`, a text a model can act on (the code first, then the
 * message, then the details as JSON), and the same details under `_meta["agentdb/error"]` for
 * programs. There is no `structuredContent`: clients check that against the tool's output schema,
 * which describes success.
 *
 * @example
 * toolError(new AgentDBError('NOT_FOUND', 'no such run')); // { isError: true, content: [{ type: 'text', text: 'NOT_FOUND: …' }], _meta: … }
 */
export function toolError(error: unknown, failed?: FailedOperation): CallToolResult {
  if (error instanceof OperationFailure) return toolError(error.cause, error.failed);
  const info = describeToolError(error, failed);
  const where = failed === undefined ? '' : `operations[${failed.index}] (${failed.name}): `;
  const text = `${info.code}: ${where}${info.message}\n${JSON.stringify({ error: info })}`;
  return { isError: true, content: [{ type: 'text', text }], _meta: { [ERROR_META_KEY]: { ...info } } };
}

/**
 * The message for arguments a tool's schema refused: every problem with its path, e.g.
 * `run_id: Invalid input: expected string, received number; value: Invalid input: expected …`.
 *
 * @example
 * const parsed = z.strictObject({ run_id: z.string() }).safeParse({ run_id: 7 });
 * if (!parsed.success) console.log(`kv_put: ${describeIssues(parsed.error)}`); // run_id: Invalid input: …
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
        .join('');
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
}
