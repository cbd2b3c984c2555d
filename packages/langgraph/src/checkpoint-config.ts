import { describe, invalidArgument, validateKeyString } from '@agentdb/primitives';
import type { RunnableConfig } from '@langchain/core/runnables';
import { namespacePart } from './checkpoint-keys.js';
import { checkThreadId } from './thread-ids.js';

/** The parts of a `RunnableConfig` a saver reads, checked. */
export interface CheckpointAddress {
  threadId: string;
  /** `''` when the config names none (the root graph). */
  ns: string;
  /** `undefined` when the config names none (the latest checkpoint). */
  checkpointId: string | undefined;
}

/**
 * The `configurable` object of a config: `undefined` when absent, `INVALID_ARGUMENT` when it is
 * something other than an object.
 */
function configurableOf(config: unknown, what: string): Record<string, unknown> | undefined {
  if (config === undefined || config === null) return undefined;
  if (typeof config !== 'object')
    throw invalidArgument(`${what}: config must be an object, got ${describe(config)}`);
  const c = (config as RunnableConfig).configurable;
  if (c === undefined || c === null) return undefined;
  if (typeof c !== 'object') {
    throw invalidArgument(`${what}: config.configurable must be an object, got ${describe(c)}`);
  }
  return c as Record<string, unknown>;
}

function optionalString(value: unknown, field: string, what: string): string | undefined {
  // LangGraph treats an empty checkpoint_id like a missing one (getCheckpointId uses `||`).
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    throw invalidArgument(`${what}: ${field} must be a string, got ${describe(value)}`);
  }
  return value;
}

/** Checks a checkpoint namespace: a string (`''` is the root) of at most 511 bytes of UTF-8. */
export function checkNamespace(ns: unknown, what: string): string {
  if (ns === undefined || ns === null) return '';
  if (typeof ns !== 'string')
    throw invalidArgument(`${what}: checkpoint_ns must be a string, got ${describe(ns)}`);
  validateKeyString(namespacePart(ns), `${what}: checkpoint_ns (plus one byte)`);
  return ns;
}

/** Checks a checkpoint, task or channel id: a non-empty string of at most 512 bytes of UTF-8. */
export function checkId(id: unknown, field: string, what: string): string {
  validateKeyString(id, `${what}: ${field}`);
  return id;
}

/**
 * Reads thread, namespace and checkpoint id from `config`, or `undefined` when it names no thread
 * (reads then find nothing). Malformed fields are `INVALID_ARGUMENT`.
 *
 * @example
 * readAddress({ configurable: { thread_id: 't1' } }, 'getTuple'); // { threadId: 't1', ns: '', checkpointId: undefined }
 */
export function readAddress(config: unknown, what: string): CheckpointAddress | undefined {
  const c = configurableOf(config, what);
  const ns = checkNamespace(c?.checkpoint_ns, what);
  const checkpointId = optionalString(c?.checkpoint_id ?? c?.thread_ts, 'checkpoint_id', what);
  if (checkpointId !== undefined) checkId(checkpointId, 'checkpoint_id', what);
  if (c?.thread_id === undefined || c.thread_id === null) return undefined;
  checkThreadId(c.thread_id, what);
  return { threadId: c.thread_id, ns, checkpointId };
}

/**
 * Like `readAddress`, for writes: the thread is required (`INVALID_ARGUMENT` naming the fix).
 *
 * @example
 * requireAddress({ configurable: { thread_id: 't1' } }, 'put'); // { threadId: 't1', ns: '', checkpointId: undefined }
 * requireAddress({ configurable: {} }, 'put'); // throws INVALID_ARGUMENT: no thread_id
 */
export function requireAddress(config: unknown, what: string): CheckpointAddress {
  const address = readAddress(config, what);
  if (address === undefined) {
    throw invalidArgument(
      `${what}: config.configurable.thread_id is missing. A checkpointer needs a thread id: ` +
        'graph.invoke(input, { configurable: { thread_id: "my-thread" } })',
    );
  }
  return address;
}
