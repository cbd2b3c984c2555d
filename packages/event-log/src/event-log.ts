import { type Value, validateRunId } from '@agentdb/core';
import {
  bindView,
  checkDatabase,
  type Engine,
  type EngineTransaction,
  type MutationHandle,
} from '@agentdb/engine';
import type { AppendOptions, ChainVerification, Event, IterOptions } from './event.js';
import { EventLogView } from './event-log-view.js';

/**
 * Per-run, append-only, SHA-256 hash-chained event logs: an agent's tamper-evident history. A stateless
 * facade over a `Database` (two instances see the same data). Each `append` is its own transaction;
 * reads need none and use database snapshots. No method updates or deletes an event.
 *
 * @example
 * const events = new EventLog(db);
 * const e = await events.append('run-1', 'tool_call', { tool: 'search' });
 * e.sequence; // 0
 * (await events.verifyChain('run-1')).valid; // true
 */
export class EventLog {
  readonly #db: Engine;

  /**
   * @example
   * const events = new EventLog(await Database.open({ path: './agent-data' }));
   */
  constructor(db: Engine) {
    checkDatabase(db, 'EventLog');
    this.#db = db;
  }

  /**
   * A view of `runId`'s log (default: the run the transaction was opened for) inside transaction `tx`.
   * Its `append` returns a handle to await after the transaction resolves.
   *
   * @example
   * let pending!: MutationHandle<Event>;
   * await db.transaction(async (tx) => {
   *   await kv.in(tx).put('plan', plan);
   *   pending = events.in(tx).append('planned', { steps: 3 });
   * }, { runId: 'run-1' }); // both or neither
   * const event = await pending;
   */
  in(tx: EngineTransaction, runId?: string): EventLogView {
    return new EventLogView(this.#db, bindView(tx, runId, 'events'));
  }

  #snapshot(runId: string): EventLogView {
    validateRunId(runId);
    return new EventLogView(this.#db, { tx: undefined, runId });
  }

  /**
   * Appends an event to `runId`'s log and returns it with its sequence (0, 1, 2, … with no gaps), commit
   * timestamp and hash. Any number of concurrent appenders get one total order without conflicts. With
   * `expectedSequence`, appends only if the event would get that sequence, else `VERSION_MISMATCH`.
   *
   * @example
   * const e = await events.append('run-1', 'tool_call', { tool: 'search', query: 'weather' });
   * await events.append('run-1', 'tool_result', { ok: true }, { expectedSequence: e.sequence + 1 });
   */
  async append(runId: string, eventType: string, payload: Value, opts?: AppendOptions): Promise<Event> {
    validateRunId(runId);
    let pending: MutationHandle<Event> | undefined;
    await this.#db.transaction(
      (tx) => {
        pending = this.in(tx, runId).append(eventType, payload, opts);
      },
      { runId },
    );
    return pending!;
  }

  /**
   * The event at `sequence`, or `undefined` past the end of the log.
   *
   * @example
   * const first = await events.read('run-1', 0);
   */
  async read(runId: string, sequence: number): Promise<Event | undefined> {
    return this.#snapshot(runId).read(sequence);
  }

  /**
   * Events with `start ≤ sequence < end`, in order (one snapshot); the part past the end is empty.
   *
   * @example
   * const page = await events.readRange('run-1', 100, 200);
   */
  async readRange(runId: string, start: number, end: number): Promise<Event[]> {
    return this.#snapshot(runId).readRange(start, end);
  }

  /**
   * The last event, or `undefined` for an empty log. O(1).
   *
   * @example
   * const last = await events.head('run-1');
   */
  async head(runId: string): Promise<Event | undefined> {
    return this.#snapshot(runId).head();
  }

  /**
   * The number of events in `runId`'s log. O(1).
   *
   * @example
   * const n = await events.len('run-1');
   */
  async len(runId: string): Promise<number> {
    return this.#snapshot(runId).len();
  }

  /**
   * Every event of type `eventType`, in order, through the type index (cost grows with the matches,
   * not with the log).
   *
   * @example
   * const results = await events.readByType('run-1', 'tool_result');
   */
  async readByType(runId: string, eventType: string): Promise<Event[]> {
    return this.#snapshot(runId).readByType(eventType);
  }

  /**
   * Streams events in order from `from`, `batchSize` at a time. With `follow`, waits for new events
   * (a live tail, also of appends by other processes) until `signal` aborts or the database closes.
   *
   * @example
   * const ac = new AbortController();
   * for await (const e of events.iter('run-1', { from: 0, follow: true, signal: ac.signal })) {
   *   if (e.eventType === 'done') ac.abort();
   * }
   */
  iter(runId: string, opts?: IterOptions): AsyncIterableIterator<Event> {
    return this.#iter(runId, opts);
  }

  async *#iter(runId: string, opts?: IterOptions): AsyncIterableIterator<Event> {
    yield* this.#snapshot(runId).iter(opts);
  }

  /**
   * Recomputes `runId`'s chain from the stored bytes: `valid`, how many events verified, and the first
   * broken sequence with what is wrong there.
   *
   * @example
   * const { valid, firstInvalid, error } = await events.verifyChain('run-1');
   */
  async verifyChain(runId: string): Promise<ChainVerification> {
    return this.#snapshot(runId).verifyChain();
  }
}
