import { AgentDBError, encodeValue, invalidArgument, readClock, type Value } from '@agentdb/core';
import type { Engine, EngineTransaction, MutationHandle, ReadSource } from '@agentdb/engine';
import { QueueFullError } from './queue-full-error.js';
import { allMessagesRange, headKey, messageKey, messageRange, tailKey, tailsRange } from './queue-keys.js';
import {
  headRecord,
  messageRecord,
  parseHead,
  parseMessage,
  parseTail,
  RECORD_OVERHEAD_BYTES,
  tailRecord,
} from './queue-record.js';
import type { QueuedMessage, TakeOptions } from './queued-message.js';
import { checkTakeOptions, validateQueueName } from './validate.js';

/** What a view is bound to: a transaction (tracked reads, send/receive) or none (the facade's snapshot reads). */
export interface ViewBinding {
  tx: EngineTransaction | undefined;
  runId: string;
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
  readonly #db: Engine;
  readonly #capacity: number;
  readonly #tx: EngineTransaction | undefined;
  readonly #reader: ReadSource;

  /**
   * @internal Use `queue.in(tx, runId?)`. `binding` is already checked: a transaction from `bindView`,
   * or none for the facade's snapshot reads with a validated run id.
   */
  constructor(db: Engine, capacity: number, binding: ViewBinding) {
    this.#db = db;
    this.#capacity = capacity;
    this.#tx = binding.tx;
    this.#reader = binding.tx ?? db;
    this.runId = binding.runId;
  }

  #transaction(method: string): EngineTransaction {
    if (this.#tx === undefined)
      throw invalidArgument(`${method} needs a transaction view: queue.in(tx, runId)`);
    return this.#tx;
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
    const tx = this.#transaction('send');
    validateQueueName(queue);
    const runId = this.runId;
    const bytes = encodeValue(message, {
      name: 'message',
      maxBytes: this.#db.maxValueBytes - RECORD_OVERHEAD_BYTES,
    });
    const tail = tailKey(runId, queue);
    const head = headKey(runId, queue);
    const capacity = this.#capacity;
    const clock = this.#db.clock;
    // Runs inside the commit on the latest committed state (and this commit's earlier writes, so
    // several sends in one transaction count each other against the capacity).
    return tx.mutate<number>(tail, (current, ctx) => {
      const next = parseTail(current)?.next ?? 0;
      const first = parseHead(ctx.get(head));
      if (first > next) {
        throw new AgentDBError(
          'CORRUPTION',
          `queue ${JSON.stringify(queue)} of run "${runId}" has its head (${first}) past its tail (${next})`,
        );
      }
      const size = next - first;
      if (size >= capacity) throw new QueueFullError(runId, queue, capacity, size);
      const key = messageKey(runId, queue, next);
      if (ctx.get(key) !== undefined) {
        throw new AgentDBError(
          'CORRUPTION',
          `message ${next} of queue ${JSON.stringify(queue)} exists but the tail does not count it; refusing to overwrite it`,
        );
      }
      ctx.put(key, messageRecord(next, readClock(clock), bytes));
      return { value: tailRecord(queue, next + 1), result: next };
    });
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
   *   if (job) await kv.in(tx).put(`done:${job.sequence}`, await handle(job.message));
   * }, { runId: 'run-1' }); // the job is consumed if and only if its result is stored
   */
  async receive(queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    const tx = this.#transaction('receive');
    validateQueueName(queue);
    const max = checkTakeOptions(opts, 'receive');
    const hKey = headKey(this.runId, queue);
    const { head, taken } = await this.#oldest(tx, queue, max);
    if (taken.length === 0) return [];
    for (const t of taken) tx.delete(t.key);
    tx.put(hKey, headRecord(head + taken.length));
    return taken.map((t) => t.message);
  }

  /**
   * The oldest `max` messages seen by transaction `tx`, with the head they start at. The range is
   * bounded to `[head, head + max)` and scanned to its end without a `limit`: the scan (validated at
   * commit) covers only the messages taken, and it never leaves an engine scan unfinished — an
   * unfinished `tx.scan` keeps its LMDB read transaction (see README, "Engine notes").
   */
  async #oldest(
    tx: EngineTransaction,
    queue: string,
    max: number,
  ): Promise<{ head: number; taken: { key: Uint8Array; message: QueuedMessage }[] }> {
    const head = parseHead(await tx.get(headKey(this.runId, queue)));
    const taken: { key: Uint8Array; message: QueuedMessage }[] = [];
    for await (const e of tx.scan(messageRange(this.runId, queue, head, head + max))) {
      taken.push({ key: e.key, message: parseMessage(e.value, head + taken.length) });
    }
    return { head, taken };
  }

  /**
   * Up to `max` (default 1) of the oldest messages of `queue`, oldest first, without removing them.
   *
   * @example
   * const [next] = await queue.in(tx).peek('jobs');
   */
  async peek(queue: string, opts?: TakeOptions): Promise<QueuedMessage[]> {
    validateQueueName(queue);
    const max = checkTakeOptions(opts, 'peek');
    if (this.#tx !== undefined) return (await this.#oldest(this.#tx, queue, max)).taken.map((t) => t.message);
    const out: QueuedMessage[] = [];
    // Outside a transaction: received messages are deleted, so the queue's message range starts at its
    // head, and one limited scan is one snapshot (no separate head read that could disagree with it).
    // After the first, each message must follow its predecessor.
    for await (const e of this.#db.scan(allMessagesRange(this.runId, queue), { limit: max })) {
      const previous = out.at(-1);
      out.push(parseMessage(e.value, previous === undefined ? undefined : previous.sequence + 1));
    }
    return out;
  }

  /**
   * How many messages `queue` holds (0 for a queue never sent to). O(1): two counter reads in one
   * snapshot, never a scan of the messages.
   *
   * @example
   * if ((await queue.in(tx).size('jobs')) === 0) …
   */
  async size(queue: string): Promise<number> {
    validateQueueName(queue);
    const [tail, head] = await this.#reader.getMany([tailKey(this.runId, queue), headKey(this.runId, queue)]);
    const next = parseTail(tail)?.next ?? 0;
    const first = parseHead(head);
    if (first > next) {
      throw new AgentDBError(
        'CORRUPTION',
        `queue ${JSON.stringify(queue)} of run "${this.runId}" has its head (${first}) past its tail (${next})`,
      );
    }
    return next - first;
  }

  /**
   * The names of the run's queues — every queue ever sent to, empty or not — in key order (UTF-8 byte
   * order). Reads one record per queue, never the messages.
   *
   * @example
   * const names = await queue.in(tx).queues(); // ['jobs', 'results']
   */
  async queues(): Promise<string[]> {
    const out: string[] = [];
    for await (const e of this.#reader.scan(tailsRange(this.runId))) {
      out.push(parseTail(e.value)!.queue);
    }
    return out;
  }
}
