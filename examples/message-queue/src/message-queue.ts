import { type Value, validateRunId } from '@agentdb/core';
import {
  bindView,
  checkDatabase,
  type Engine,
  type EngineTransaction,
  type MutationHandle,
} from '@agentdb/engine';
import { checkQueueOptions, checkSend, checkTakeOptions, validateQueueName } from './arguments.js';
import { MessageQueueView, type QueueSettings } from './message-queue-view.js';
import { peekMessages, queueNames, queueSize } from './reads.js';
import type { MessageQueueOptions, QueuedMessage, TakeOptions } from './types.js';
import { receiveMessages, sendMessage } from './writes.js';

/**
 * Bounded FIFO message queues, per (run, queue name), stored under the extension TypeTag 0x10: the worked
 * example of extending AgentDB. A stateless facade over an engine (it holds the engine and its
 * settings, nothing else; two instances see the same queues). `send` and `receive` are each their own
 * transaction; `peek`, `size` and `queues` read one engine snapshot.
 *
 * @example
 * const queue = new MessageQueue(db, { capacity: 100 });
 * await queue.send('run-1', 'jobs', { url: 'https://example.com' }); // 0
 * const [job] = await queue.receive('run-1', 'jobs'); // { sequence: 0, message: { url: … }, sentAt }
 */
export class MessageQueue {
  readonly #db: Engine;
  readonly #settings: QueueSettings;

  /**
   * @example
   * const queue = new MessageQueue(await Database.open({ path: './agent-data' }), { capacity: 1_000 });
   */
  constructor(db: Engine, opts?: MessageQueueOptions) {
    checkDatabase(db, 'MessageQueue');
    this.#settings = { capacity: checkQueueOptions(opts), maxValueBytes: db.maxValueBytes };
    this.#db = db;
  }

  /**
   * The most messages one queue may hold when sent to through this instance.
   *
   * @example
   * new MessageQueue(db).capacity; // 10000
   */
  get capacity(): number {
    return this.#settings.capacity;
  }

  /**
   * A view of `runId`'s queues (default: the run the transaction was opened for) inside `tx`: the same
   * methods minus `runId`. Its `send` returns a handle to await after the transaction resolves.
   *
   * @example
   * let seq!: MutationHandle<number>;
   * await db.transaction(async (tx) => {
   *   tx.put(Key.kv('run-1', 'plan'), ['fetch', 'summarise']);
   *   seq = queue.in(tx).send('jobs', { step: 1 });
   * }, { runId: 'run-1' }); // both or neither
   * await seq;
   */
  in(tx: EngineTransaction, runId?: string): MessageQueueView {
    const bound = bindView(tx, runId, 'queue');
    return new MessageQueueView(bound.tx, bound.runId, this.#settings);
  }

  /**
   * Appends `message` to the back of `queue` and returns its sequence (0, 1, 2, … per queue, no gaps).
   * Any number of concurrent senders get one order without conflicts. A full queue is refused with
   * `QueueFullError` (code `INVALID_ARGUMENT`; test with `isQueueFull`) and nothing is written.
   *
   * @example
   * const seq = await queue.send('run-1', 'jobs', { url: 'https://example.com' });
   */
  async send(runId: string, queue: string, message: Value): Promise<number> {
    validateRunId(runId);
    const checked = checkSend(queue, message, this.#settings.maxValueBytes);
    let pending: MutationHandle<number> | undefined;
    await this.#db.transaction(
      (tx) => {
        pending = sendMessage(tx, runId, checked, this.#settings.capacity);
      },
      { runId },
    );
    return pending!;
  }

  /**
   * Removes and returns up to `max` (default 1) of the oldest messages of `queue`, oldest first; `[]`
   * when it is empty. Each message is delivered to exactly one receiver, however many run concurrently.
   *
   * @example
   * for (;;) {
   *   const batch = await queue.receive('run-1', 'jobs', { max: 10 });
   *   if (batch.length === 0) break;
   *   for (const { message } of batch) console.log(message);
   * }
   */
  async receive(runId: string, queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    validateRunId(runId);
    validateQueueName(queue);
    const max = checkTakeOptions(opts, 'receive');
    return this.#db.transaction((tx) => receiveMessages(tx, runId, queue, max), { runId });
  }

  /**
   * Up to `max` (default 1) of the oldest messages of `queue`, oldest first, without removing them.
   *
   * @example
   * const [next] = await queue.peek('run-1', 'jobs');
   */
  async peek(runId: string, queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    validateRunId(runId);
    validateQueueName(queue);
    return peekMessages(this.#db, runId, queue, checkTakeOptions(opts, 'peek'));
  }

  /**
   * How many messages `queue` holds (0 if it was never sent to). O(1).
   *
   * @example
   * const backlog = await queue.size('run-1', 'jobs');
   */
  async size(runId: string, queue: string): Promise<number> {
    validateRunId(runId);
    validateQueueName(queue);
    return queueSize(this.#db, runId, queue);
  }

  /**
   * The names of `runId`'s queues (every queue ever sent to), in UTF-8 byte order.
   *
   * @example
   * await queue.queues('run-1'); // ['jobs', 'results']
   */
  async queues(runId: string): Promise<string[]> {
    validateRunId(runId);
    return queueNames(this.#db, runId);
  }
}
