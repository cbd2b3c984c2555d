import { AgentDBError } from '@agentdb/core';

/**
 * The refusal of a `send` to a full queue. Its `code` is `INVALID_ARGUMENT` (the core's closed set of
 * codes has no "full"; the send asked for something the queue cannot take), so code that handles every
 * AgentDB error by code keeps working; code that wants to back off and retry tells it apart with
 * `isQueueFull(e)`. It carries the queue, its capacity and its size. Nothing was written: the whole
 * transaction holding the send is refused at commit.
 */
export class QueueFullError extends AgentDBError {
  /** The queue that is full. */
  readonly queue: string;
  /** The capacity it was sent with. */
  readonly capacity: number;
  /** How many messages it held. */
  readonly size: number;

  /** @internal Thrown by `send` at commit time. */
  constructor(runId: string, queue: string, capacity: number, size: number) {
    super(
      'INVALID_ARGUMENT',
      `queue ${JSON.stringify(queue)} of run "${runId}" is full (${size} of ${capacity} messages); ` +
        'receive from it first or use a MessageQueue with a larger capacity',
    );
    this.queue = queue;
    this.capacity = capacity;
    this.size = size;
  }
}

/**
 * True when `e` is the refusal of a send to a full queue.
 *
 * @example
 * try { await queue.send('run-1', 'jobs', job) } catch (e) { if (isQueueFull(e)) await backOff(); else throw e }
 */
export function isQueueFull(e: unknown): e is QueueFullError {
  return e instanceof QueueFullError;
}
