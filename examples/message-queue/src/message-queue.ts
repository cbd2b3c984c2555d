import { type Value, validateRunId } from '@agentdb/core';
import {
  bindView,
  checkDatabase,
  type Engine,
  type EngineTransaction,
  type MutationHandle,
} from '@agentdb/engine';
import { MessageQueueView } from './message-queue-view.js';
import type { MessageQueueOptions, QueuedMessage, TakeOptions } from './queued-message.js';
import { checkQueueOptions } from './validate.js';

/**
 * Bounded FIFO message queues, per (run, queue name), stored under the extension TypeTag 0x10: the worked
 * example of extending AgentDB. A stateless facade over a `Database` (it holds the database and its
 * capacity, nothing else; two instances see the same queues). `send` and `receive` are each their own
 * transaction; `peek`, `size` and `queues` read one database snapshot.
 *
 * @example
 * const queue = new MessageQueue(db, { capacity: 100 });
 * await queue.send('run-1', 'jobs', { url: 'https://example.com' }); // 0
 * const [job] = await queue.receive('run-1', 'jobs'); // { sequence: 0, message: { url: … }, sentAt }
 */
export class MessageQueue {
  readonly #db: Engine;
  readonly #capacity: number;

  /**
   * @example
   * const queue = new MessageQueue(await Database.open({ path: './agent-data' }), { capacity: 1_000 });
   */
  constructor(db: Engine, opts?: MessageQueueOptions) {
    checkDatabase(db, 'MessageQueue');
    this.#capacity = checkQueueOptions(opts);
    this.#db = db;
  }

  /**
   * The most messages one queue may hold when sent to through this instance.
   *
   * @example
   * new MessageQueue(db).capacity; // 10000
   */
  get capacity(): number {
    return this.#capacity;
  }

  /**
   * A view of `runId`'s queues (default: the run the transaction was opened for) inside `tx`: the same
   * methods minus `runId`. Its `send` returns a handle to await after the transaction resolves.
   *
   * @example
   * let seq!: MutationHandle<number>;
   * await db.transaction(async (tx) => {
   *   await kv.in(tx).put('plan', plan);
   *   seq = queue.in(tx).send('jobs', { step: 1 });
   * }, { runId: 'run-1' }); // both or neither
   * await seq;
   */
  in(tx: EngineTransaction, runId?: string): MessageQueueView {
    return new MessageQueueView(this.#db, this.#capacity, bindView(tx, runId, 'queue'));
  }

  #snapshot(runId: string): MessageQueueView {
    validateRunId(runId);
    return new MessageQueueView(this.#db, this.#capacity, { tx: undefined, runId });
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
    let pending: MutationHandle<number> | undefined;
    await this.#db.transaction(
      (tx) => {
        pending = this.in(tx, runId).send(queue, message);
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
   *   for (const { message } of batch) await work(message);
   * }
   */
  async receive(runId: string, queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    validateRunId(runId);
    return this.#db.transaction((tx) => this.in(tx, runId).receive(queue, opts), { runId });
  }

  /**
   * Up to `max` (default 1) of the oldest messages of `queue`, oldest first, without removing them.
   *
   * @example
   * const [next] = await queue.peek('run-1', 'jobs');
   */
  async peek(runId: string, queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    return this.#snapshot(runId).peek(queue, opts);
  }

  /**
   * How many messages `queue` holds (0 if it was never sent to). O(1).
   *
   * @example
   * const backlog = await queue.size('run-1', 'jobs');
   */
  async size(runId: string, queue: string): Promise<number> {
    return this.#snapshot(runId).size(queue);
  }

  /**
   * The names of `runId`'s queues (every queue ever sent to), in UTF-8 byte order.
   *
   * @example
   * await queue.queues('run-1'); // ['jobs', 'results']
   */
  async queues(runId: string): Promise<string[]> {
    return this.#snapshot(runId).queues();
  }
}
