import { type Value, validateRunId } from '@agentdb/core';
import {
  bindView,
  checkDatabase,
  type Engine,
  type EngineTransaction,
  type MutationHandle,
} from '@agentdb/engine';
import { checkAppend } from './arguments.js';
import { EventLogView } from './event-log-view.js';
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
 * Per-run, append-only, SHA-256 hash-chained event logs: an agent's tamper-evident history. A stateless
 * facade over an engine (two instances see the same data). Each `append` checks its arguments once,
 * then is its own transaction; reads need none and use engine snapshots. No method updates or deletes
 * an event.
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
   *   tx.put(Key.kv('run-1', 'plan'), ['search', 'answer']);
   *   pending = events.in(tx).append('planned', { steps: 2 });
   * }, { runId: 'run-1' }); // both or neither
   * const event = await pending;
   */
  in(tx: EngineTransaction, runId?: string): EventLogView {
    const bound = bindView(tx, runId, 'events');
    return new EventLogView(bound.tx, bound.runId);
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
    const checked = checkAppend(eventType, payload, opts);
    let pending: MutationHandle<Event> | undefined;
    // No `{ runId }` option: it only sets the default run of views, and these writes name their run.
    await this.#db.transaction((tx) => {
      pending = appendEvent(tx, runId, checked);
    });
    return pending!;
  }

  /**
   * The event at `sequence`, or `undefined` past the end of the log.
   *
   * @example
   * const first = await events.read('run-1', 0);
   */
  async read(runId: string, sequence: number): Promise<Event | undefined> {
    validateRunId(runId);
    return readEvent(this.#db, runId, sequence);
  }

  /**
   * Events with `start ≤ sequence < end`, in order (one snapshot); the part past the end is empty.
   *
   * @example
   * const page = await events.readRange('run-1', 100, 200);
   */
  async readRange(runId: string, start: number, end: number): Promise<Event[]> {
    validateRunId(runId);
    return readEventRange(this.#db, runId, start, end);
  }

  /**
   * The last event, or `undefined` for an empty log. O(1).
   *
   * @example
   * const last = await events.head('run-1');
   */
  async head(runId: string): Promise<Event | undefined> {
    validateRunId(runId);
    return readHead(this.#db, runId);
  }

  /**
   * The number of events in `runId`'s log. O(1).
   *
   * @example
   * const n = await events.len('run-1');
   */
  async len(runId: string): Promise<number> {
    validateRunId(runId);
    return readLength(this.#db, runId);
  }

  /**
   * Every event of type `eventType`, in order, through the type index (cost grows with the matches,
   * not with the log).
   *
   * @example
   * const results = await events.readByType('run-1', 'tool_result');
   */
  async readByType(runId: string, eventType: string): Promise<Event[]> {
    validateRunId(runId);
    return readEventsOfType(this.#db, runId, eventType);
  }

  /**
   * Streams events in order from `from`, `batchSize` at a time. With `follow`, waits for new events
   * (a live tail, also of appends by other processes) until `signal` aborts or the database closes.
   * A bad run id or bad options reject the first `next()`.
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
    validateRunId(runId);
    yield* iterEvents(this.#db, runId, opts, this.#db);
  }

  /**
   * Recomputes `runId`'s chain from the stored bytes: `valid`, how many events verified, and the first
   * broken sequence with what is wrong there.
   *
   * @example
   * const { valid, firstInvalid, error } = await events.verifyChain('run-1');
   */
  async verifyChain(runId: string): Promise<ChainVerification> {
    validateRunId(runId);
    return verifyChain(this.#db, runId);
  }
}
