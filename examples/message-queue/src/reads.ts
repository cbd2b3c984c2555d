import { AgentDBError, type EncodedKey } from '@agentdb/core';
import { isEngineTransaction, type ReadSource } from '@agentdb/engine';
import {
  allMessagesRange,
  headKey,
  messageRange,
  parseHead,
  parseMessage,
  parseTail,
  tailKey,
  tailsRange,
} from './layout.js';
import type { QueuedMessage } from './types.js';

/*
 * Every read of the queues, written once against a `ReadSource`: the engine (the facade's snapshot
 * reads) or a transaction (the view and `receive`: tracked reads, conflict-checked at commit). Inside
 * a transaction a message it sent is not visible yet: its sequence is assigned at commit.
 */

/** A message taken from the front of a queue, with its stored key. */
export interface Taken {
  key: EncodedKey;
  message: QueuedMessage;
}

/**
 * The oldest `max` messages of `queue`, with the head they start at. The range is bounded to
 * `[head, head + max)` and scanned to its end without a `limit`, so the scan (checked at commit) covers
 * exactly the messages taken.
 */
export async function oldest(
  src: ReadSource,
  runId: string,
  queue: string,
  max: number,
): Promise<{ head: number; taken: Taken[] }> {
  const head = parseHead(await src.get(headKey(runId, queue)));
  const taken: Taken[] = [];
  for await (const e of src.scan(messageRange(runId, queue, head, head + max))) {
    taken.push({ key: e.key, message: parseMessage(e.value, head + taken.length) });
  }
  return { head, taken };
}

/** Up to `max` of the oldest messages of `queue`, oldest first, without removing them. */
export async function peekMessages(
  src: ReadSource,
  runId: string,
  queue: string,
  max: number,
): Promise<QueuedMessage[]> {
  if (isEngineTransaction(src)) return (await oldest(src, runId, queue, max)).taken.map((t) => t.message);
  // Outside a transaction: received messages are deleted, so the queue's message range starts at its
  // head, and one limited scan is one snapshot (no separate head read that could disagree with it).
  // After the first, each message must follow its predecessor.
  const out: QueuedMessage[] = [];
  for await (const e of src.scan(allMessagesRange(runId, queue), { limit: max })) {
    const previous = out.at(-1);
    out.push(parseMessage(e.value, previous === undefined ? undefined : previous.sequence + 1));
  }
  return out;
}

/**
 * How many messages `queue` holds: two counter reads from one snapshot, never a scan of the messages.
 * Inside a transaction its own sends (commit-time mutations, which `getMany` does not run) are not
 * counted before they commit.
 */
export async function queueSize(src: ReadSource, runId: string, queue: string): Promise<number> {
  const [tail, head] = await src.getMany([tailKey(runId, queue), headKey(runId, queue)]);
  const next = parseTail(tail)?.next ?? 0;
  const first = parseHead(head);
  if (first > next) {
    throw new AgentDBError(
      'CORRUPTION',
      `queue ${JSON.stringify(queue)} of run "${runId}" has its head (${first}) past its tail (${next})`,
    );
  }
  return next - first;
}

/** The names of the run's queues (every queue ever sent to), in key order: one record per queue. */
export async function queueNames(src: ReadSource, runId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of src.scan(tailsRange(runId))) out.push(parseTail(e.value)!.queue);
  return out;
}
