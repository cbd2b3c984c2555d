import { checkOptions, invalidArgument, validateRunId } from '@agentdb/core';
import {
  checkDatabase,
  Database,
  type DatabaseOptions,
  type Engine,
  type EngineTransaction,
  type TransactionOptions,
} from '@agentdb/engine';
import { EventLog, type EventLogView } from '@agentdb/event-log';
import { KVStore, type KVView } from '@agentdb/kv';
import { RunIndex, type RunIndexView } from '@agentdb/run-index';
import { StateCell, type StateCellView } from '@agentdb/state-cell';
import { TraceStore, type TraceStoreView } from '@agentdb/trace-store';

/** The options `AgentDB.transaction` takes: the engine's, minus `runId` (its first argument). */
const TRANSACTION_OPTIONS_KNOWN: Record<keyof Omit<TransactionOptions, 'runId'>, true> = {
  retries: true,
  timeoutMs: true,
};
const TRANSACTION_OPTIONS = Object.keys(
  TRANSACTION_OPTIONS_KNOWN,
) as (keyof typeof TRANSACTION_OPTIONS_KNOWN)[];

/** What `AgentDB.transaction` hands its function: the five primitives bound to one run and one transaction. */
export interface AgentTransaction {
  /** The run every view is bound to. */
  readonly runId: string;
  /** KV entries of the run. @example await tx.kv.put('plan', plan) */
  readonly kv: KVView;
  /** The run's event log; `append` returns a handle to await after the transaction. @example tx.events.append('e', {}) */
  readonly events: EventLogView;
  /** The run's state cells. @example await tx.state.cas('phase', 3, 'acting') */
  readonly state: StateCellView;
  /** The run's traces. @example await tx.traces.record({ type: 'thought', content: '…' }) */
  readonly traces: TraceStoreView;
  /** The run's record in the run index. @example await tx.runs.completeRun() */
  readonly runs: RunIndexView;
  /**
   * The engine transaction, for extensions (`Key.of(tag, …)` reads and writes) and for other runs in the
   * same commit. @example await db.kv.in(tx.tx, 'other-run').put('k', 1)
   */
  readonly tx: EngineTransaction;
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
export class AgentDB<E extends Engine = Engine> {
  /** The engine underneath, for extensions and operations (`verify`, `changes`, `stats`). */
  readonly engine: E;
  /** Per-run key-value memory with TTL. @example await db.kv.put(runId, 'plan', plan) */
  readonly kv: KVStore;
  /** Per-run hash-chained event logs. @example await db.events.append(runId, 'tool_call', {}) */
  readonly events: EventLog;
  /** Versioned cells with compare-and-swap. @example await db.state.cas(runId, 'phase', 1, 'acting') */
  readonly state: StateCell;
  /** Reasoning traces as indexed trees. @example await db.traces.queryByTag(runId, 'plan') */
  readonly traces: TraceStore;
  /** Run lifecycle, queries and cascade delete. @example await db.runs.createRun({ name: 'triage' }) */
  readonly runs: RunIndex;

  /**
   * Wraps an open engine: any engine of the contract (the LMDB `Database`, `PostgresDatabase` from
   * `@agentdb/postgres`). `AgentDB.open` opens an LMDB one.
   *
   * @example
   * const db = new AgentDB(await Database.open({ path: './agent-data' }));
   */
  constructor(engine: E) {
    checkDatabase(engine, 'AgentDB');
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
  static async open(opts?: DatabaseOptions): Promise<AgentDB<Database>> {
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
    // The run is the first argument; the options are the engine's other two, read once.
    const checked = checkOptions(opts, TRANSACTION_OPTIONS, 'transaction');
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
      { ...checked, runId } as TransactionOptions,
    );
  }

  /** Waits for in-flight commits and closes; idempotent. @example await db.close() */
  close(): Promise<void> {
    return this.engine.close();
  }
}
