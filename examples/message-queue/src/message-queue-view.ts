import type { Value } from '@agentdb/core';
import type { EngineTransaction, MutationHandle } from '@agentdb/engine';
import { checkSend, checkTakeOptions, validateQueueName } from './arguments.js';
import { peekMessages, queueNames, queueSize } from './reads.js';
import type { QueuedMessage, TakeOptions } from './types.js';
import { receiveMessages, sendMessage } from './writes.js';

/** What a view takes from its facade: the queue's settings (the transaction gives it the rest). */
export interface QueueSettings {
  /** The most messages one queue may hold. */
  capacity: number;
  /** The engine's largest value, which bounds a message record. */
  maxValueBytes: number;
}

/**
 * One run's queues inside a transaction: the `MessageQueue` methods minus `runId`. Its writes commit
 * (or not) with everything else the transaction does, whichever primitives did it. Valid only while
 * the transaction's function runs.
 *
 * - `send` is a commit-time mutation: its sequence exists only after commit, so it returns a handle to
 *   await after `db.transaction` resolves, and a message sent in the transaction is not visible to the
 *   transaction's own `receive`, `peek` or `size`.
 * - `receive` is an ordinary optimistic read-delete-bump, so its messages are in your hands inside the
 *   transaction (process them and record the outcome atomically); if another receiver takes them
 *   first, the engine re-runs your function.
 */
export class MessageQueueView {
  /** The run this view reads and writes. */
  readonly runId: string;
  readonly #tx: EngineTransaction;
  readonly #settings: QueueSettings;

  /** @internal Use `queue.in(tx, runId?)`: a checked transaction and run id. */
  constructor(tx: EngineTransaction, runId: string, settings: QueueSettings) {
    this.#tx = tx;
    this.runId = runId;
    this.#settings = settings;
  }

  /**
   * Appends `message` to the back of `queue` when the transaction commits and returns a handle that
   * settles with its sequence (0, 1, 2, … per queue, contiguous). The sequence is assigned inside the
   * commit (a commit-time mutation, like the event log's append), so concurrent senders never conflict
   * and an aborted transaction consumes no sequence. Bad input throws at once (`INVALID_ARGUMENT`,
   * `INVALID_VALUE`); a full queue refuses the whole transaction at commit with `QueueFullError`
   * (code `INVALID_ARGUMENT`), writing nothing.
   *
   * @example
   * let seq!: MutationHandle<number>;
   * await db.transaction((tx) => {
   *   seq = queue.in(tx).send('jobs', { url: 'https://example.com' });
   * }, { runId: 'run-1' });
   * console.log(await seq); // 0
   */
  send(queue: string, message: Value): MutationHandle<number> {
    const { capacity, maxValueBytes } = this.#settings;
    return sendMessage(this.#tx, this.runId, checkSend(queue, message, maxValueBytes), capacity);
  }

  /**
   * Removes and returns up to `max` (default 1) of the oldest messages of `queue`, oldest first; `[]`
   * when it is empty. Exactly-once: the transaction reads the head counter, deletes the messages and
   * moves the head, so two receivers that saw the same messages cannot both commit — the loser is
   * re-run on fresh data and gets the next ones.
   *
   * @example
   * await db.transaction(async (tx) => {
   *   const [job] = await queue.in(tx).receive('jobs');
   *   if (job) tx.put(Key.kv('run-1', `done:${job.sequence}`), true);
   * }, { runId: 'run-1' }); // the job is consumed if and only if its result is stored
   */
  async receive(queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    validateQueueName(queue);
    return receiveMessages(this.#tx, this.runId, queue, checkTakeOptions(opts, 'receive'));
  }

  /**
   * Up to `max` (default 1) of the oldest messages of `queue`, oldest first, without removing them.
   *
   * @example
   * const [next] = await queue.in(tx).peek('jobs');
   */
  async peek(queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    validateQueueName(queue);
    return peekMessages(this.#tx, this.runId, queue, checkTakeOptions(opts, 'peek'));
  }

  /**
   * How many messages `queue` holds (0 for a queue never sent to). O(1): two counter reads in one
   * snapshot, never a scan of the messages.
   *
   * @example
   * if ((await queue.in(tx).size('jobs')) === 0) await queue.in(tx).receive('backlog');
   */
  async size(queue: string): Promise<number> {
    validateQueueName(queue);
    return queueSize(this.#tx, this.runId, queue);
  }

  /**
   * The names of the run's queues — every queue ever sent to, empty or not — in key order (UTF-8 byte
   * order). Reads one record per queue, never the messages.
   *
   * @example
   * const names = await queue.in(tx).queues(); // ['jobs', 'results']
   */
  async queues(): Promise<string[]> {
    return queueNames(this.#tx, this.runId);
  }
}
