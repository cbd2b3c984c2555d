import type { Value } from '@agentdb/core';
import type { EngineTransaction, MutationHandle } from '@agentdb/engine';
import { checkAppend } from './arguments.js';
import {
  iterEvents,
  readEvent,
  readEventRange,
  readEventsOfType,
  readHead,
  readLength,
  verifyChain,
} from './reads.js';
import type { AppendOptions, ChainVerification, Event, IterOptions } from './types.js';
import { appendEvent } from './writes.js';

/**
 * One run's event log inside a transaction (`events.in(tx, runId?)`): the `EventLog` methods minus
 * `runId`, whose reads see the transaction's snapshot and whose appends commit (or not) with it. Valid
 * only while the transaction's function runs. Events appended in the transaction are not visible to
 * its own reads: their sequence is assigned at commit.
 */
export class EventLogView {
  /** The run this view reads and appends to. */
  readonly runId: string;
  readonly #tx: EngineTransaction;

  /** @internal Use `events.in(tx, runId?)`: a checked transaction and run id. */
  constructor(tx: EngineTransaction, runId: string) {
    this.#tx = tx;
    this.runId = runId;
  }

  /**
   * Appends an event when the transaction commits. Its sequence, timestamp and hash are assigned at
   * commit time (a commit-time mutation), so concurrent appenders never conflict and an aborted
   * transaction consumes no sequence. Returns a handle that settles with the `Event` after commit:
   * await it after `db.transaction` resolves, not inside. Bad input throws at once (`INVALID_ARGUMENT`,
   * `INVALID_VALUE`), aborting the transaction; a failed `expectedSequence` aborts it at commit with
   * `VERSION_MISMATCH`.
   *
   * @example
   * let pending!: MutationHandle<Event>;
   * await db.transaction((tx) => {
   *   pending = events.in(tx).append('tool_call', { tool: 'search' });
   * }, { runId: 'run-1' });
   * const event = await pending; // { sequence, hash, … }
   */
  append(eventType: string, payload: Value, opts?: AppendOptions): MutationHandle<Event> {
    return appendEvent(this.#tx, this.runId, checkAppend(eventType, payload, opts));
  }

  /**
   * The event at `sequence`, or `undefined` past the end of the log.
   *
   * @example
   * const first = await events.in(tx).read(0);
   */
  async read(sequence: number): Promise<Event | undefined> {
    return readEvent(this.#tx, this.runId, sequence);
  }

  /**
   * Events with `start ≤ sequence < end`, in order; the part past the end of the log is empty.
   * `end < start` is `INVALID_ARGUMENT`.
   *
   * @example
   * const firstTen = await events.in(tx).readRange(0, 10);
   */
  async readRange(start: number, end: number): Promise<Event[]> {
    return readEventRange(this.#tx, this.runId, start, end);
  }

  /**
   * The last event, or `undefined` for an empty log. O(1): found through the log's metadata.
   *
   * @example
   * const last = await events.in(tx).head();
   */
  async head(): Promise<Event | undefined> {
    return readHead(this.#tx, this.runId);
  }

  /**
   * The number of events (the sequence the next append gets). O(1): one metadata read.
   *
   * @example
   * const n = await events.in(tx).len();
   */
  async len(): Promise<number> {
    return readLength(this.#tx, this.runId);
  }

  /**
   * Every event of type `eventType`, in sequence order, through the type index: it reads the matches
   * (an index entry and a record each), not the log.
   *
   * @example
   * const calls = await events.in(tx).readByType('tool_call');
   */
  async readByType(eventType: string): Promise<Event[]> {
    return readEventsOfType(this.#tx, this.runId, eventType);
  }

  /**
   * Streams events in sequence order from `from`, reading `batchSize` at a time. `follow` is not
   * available inside a transaction (its snapshot never changes). Bad options reject the first `next()`.
   *
   * @example
   * for await (const e of events.in(tx).iter({ from: 0, batchSize: 500 })) console.log(e.sequence);
   */
  iter(opts?: IterOptions): AsyncIterableIterator<Event> {
    return iterEvents(this.#tx, this.runId, opts, undefined);
  }

  /**
   * Recomputes the whole chain from the stored bytes and reports the first broken sequence: a missing,
   * unreadable, altered, misplaced or mis-indexed event, or metadata that disagrees with the events.
   * Streams: memory does not grow with the log.
   *
   * @example
   * const { valid, length, firstInvalid } = await events.in(tx).verifyChain();
   */
  async verifyChain(): Promise<ChainVerification> {
    return verifyChain(this.#tx, this.runId);
  }
}
