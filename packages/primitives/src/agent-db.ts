import { invalidArgument, validateRunId } from '@agentdb/core';
import { Database, type DatabaseOptions, type Transaction, type TransactionOptions } from '@agentdb/engine';
import { EventLog, type EventLogView } from '@agentdb/event-log';
import { KVStore, type KVView } from '@agentdb/kv';
import { RunIndex, type RunIndexView } from '@agentdb/run-index';
import { StateCell, type StateCellView } from '@agentdb/state-cell';
import { TraceStore, type TraceStoreView } from '@agentdb/trace-store';

/** What `AgentDB.transaction` hands its function: the five primitives bound to one run and one transaction. */
export interface AgentTransaction {
  /** The run every view is bound to. */
  readonly runId: string;
  readonly kv: KVView;
  readonly events: EventLogView;
  readonly state: StateCellView;
  readonly traces: TraceStoreView;
  readonly runs: RunIndexView;
  /** The engine transaction, for extensions (`Key.of(tag, …)` reads and writes). */
  readonly tx: Transaction;
}

/**
 * All five primitives on one database, and transactions that span them.
 *
 * @example
 * const db = await AgentDB.open({ path: './agent-data' });
 * let pending!: PromiseLike<Event>;
 * await db.transaction(runId, async (tx) => {
 *   await tx.kv.put('plan', plan);
 *   pending = tx.events.append('planned', { steps: 3 });
 * });
 * const event = await pending;
 * await db.close();
 */
export class AgentDB {
  /** The engine underneath, for extensions and operations (`verify`, `changes`, `stats`). */
  readonly engine: Database;
  readonly kv: KVStore;
  readonly events: EventLog;
  readonly state: StateCell;
  readonly traces: TraceStore;
  readonly runs: RunIndex;

  /** Wraps an open engine. Prefer `AgentDB.open`. @example const db = new AgentDB(await Database.open()) */
  constructor(engine: Database) {
    if (!(engine instanceof Database))
      throw invalidArgument('AgentDB needs an open Database from @agentdb/engine');
    this.engine = engine;
    this.kv = new KVStore(engine);
    this.events = new EventLog(engine);
    this.state = new StateCell(engine);
    this.traces = new TraceStore(engine);
    this.runs = new RunIndex(engine);
  }

  /**
   * Opens a database with the same options as `Database.open`; without `path` it is temporary
   * (`memory` durability).
   *
   * @example
   * const db = await AgentDB.open({ path: './agent-data' });
   * const scratch = await AgentDB.open();
   */
  static async open(opts?: DatabaseOptions): Promise<AgentDB> {
    return new AgentDB(await Database.open(opts));
  }

  /**
   * Runs `fn` in one serializable transaction with all five primitives bound to `runId`: all of it
   * commits or none of it does. `fn` may be re-run on conflict, so keep side effects inside `tx`.
   * Event appends return handles that settle after commit: await them after this resolves.
   *
   * @example
   * await db.transaction(runId, async (tx) => {
   *   await tx.state.cas('phase', 3, 'acting');
   *   await tx.traces.record({ type: 'thought', content: 'search first' });
   *   await tx.runs.updateStatus('paused');
   * });
   */
  async transaction<T>(
    runId: string,
    fn: (tx: AgentTransaction) => T | Promise<T>,
    opts?: Omit<TransactionOptions, 'runId'>,
  ): Promise<T> {
    // async, so that bad arguments reject the returned promise like every AgentDB method, never throw.
    validateRunId(runId);
    if (typeof fn !== 'function') throw invalidArgument('transaction needs a function (tx) => …');
    return this.engine.transaction(
      (tx) =>
        fn({
          runId,
          tx,
          kv: this.kv.in(tx, runId),
          events: this.events.in(tx, runId),
          state: this.state.in(tx, runId),
          traces: this.traces.in(tx, runId),
          runs: this.runs.in(tx, runId),
        }),
      { ...opts, runId },
    );
  }

  /** Waits for in-flight commits and closes; idempotent. @example await db.close() */
  close(): Promise<void> {
    return this.engine.close();
  }
}
