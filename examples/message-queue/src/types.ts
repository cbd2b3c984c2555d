import { AgentDBError, type Value } from '@agentdb/core';

/** A message as `receive` and `peek` return it. */
export interface QueuedMessage {
  /** Its position in its queue: 0, 1, 2, … in send order, with no gaps and never reused. */
  sequence: number;
  /** The message, equal (deeply) to what was sent. */
  message: Value;
  /** The commit time of its `send`, in ms since the epoch, from the database clock. */
  sentAt: number;
}

/** Options of `new MessageQueue(db, opts)`. */
export interface MessageQueueOptions {
  /**
   * The most messages one queue may hold; a `send` to a full queue is refused (`QueueFullError`).
   * A positive integer, default `DEFAULT_CAPACITY` (10,000).
   */
  capacity?: number;
}

/** Options of `receive` and `peek`. */
export interface TakeOptions {
  /** The most messages to return: an integer from 1 to `MAX_TAKE` (1,000); default 1. */
  max?: number;
}

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
