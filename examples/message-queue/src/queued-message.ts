import type { Value } from '@agentdb/core';

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
