import { createHash } from 'node:crypto';
import { describe, invalidArgument } from '@agentdb/primitives';

/**
 * Thread ids are any non-empty string; run ids are `[A-Za-z0-9_-]{1,64}`. The mapping is deterministic
 * and injective:
 *
 * - a thread id that already is a valid run id and does not start with `lg_` is its own run id;
 * - otherwise, if its UTF-8 bytes fit, `lg_b` + base64url(bytes) (reversible: thread ids up to 45 bytes);
 * - otherwise `lg_h` + base64url(SHA-256(bytes)), and the thread id is recovered from the run record's
 *   metadata (`langgraph.threadId`), which the saver writes with the first checkpoint.
 *
 * Run ids starting with `lg_` are never a thread id used as-is, so the three forms cannot collide.
 */
const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;
const RESERVED = 'lg_';
const ENCODED = 'lg_b';
const HASHED = 'lg_h';
const MAX_RUN_ID = 64;

/** The run id that holds thread `threadId`. @example threadRunId('user 42') // 'lg_bdXNlciA0Mg' */
export function threadRunId(threadId: string): string {
  if (RUN_ID.test(threadId) && !threadId.startsWith(RESERVED)) return threadId;
  const bytes = Buffer.from(threadId, 'utf8');
  const encoded = ENCODED + bytes.toString('base64url');
  if (encoded.length <= MAX_RUN_ID) return encoded;
  return HASHED + createHash('sha256').update(bytes).digest('base64url');
}

/**
 * The thread id a run id stands for when the run id alone says it (as-is or `lg_b…`), else
 * `undefined` (an `lg_h…` run: read `langgraph.threadId` from its record).
 *
 * @example threadIdOfRun('lg_bdXNlciA0Mg') // 'user 42'
 */
export function threadIdOfRun(runId: string): string | undefined {
  if (!runId.startsWith(RESERVED)) return runId;
  if (runId.startsWith(ENCODED))
    return Buffer.from(runId.slice(ENCODED.length), 'base64url').toString('utf8');
  return undefined;
}

/**
 * Throws `INVALID_ARGUMENT` unless `threadId` is a non-empty, well-formed string. `what` names the
 * operation for the message.
 */
export function checkThreadId(threadId: unknown, what: string): asserts threadId is string {
  if (typeof threadId !== 'string' || threadId.length === 0) {
    throw invalidArgument(
      `${what}: thread_id must be a non-empty string, got ${describe(threadId)}. ` +
        'Pass it as { configurable: { thread_id: "my-thread" } }.',
    );
  }
  // A lone surrogate would not survive the UTF-8 round trip of the mapping above.
  if (!threadId.isWellFormed()) throw invalidArgument(`${what}: thread_id contains a lone surrogate`);
}
