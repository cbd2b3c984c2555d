import { validateRunId } from '@agentdb/core';
import { bindView, checkDatabase, type Engine, type EngineTransaction } from '@agentdb/engine';
import { type CheckedRecord, checkRecord, validateTraceId } from './arguments.js';
import {
  childrenOf,
  countTraces,
  listTraces,
  readTrace,
  readTree,
  rootTraces,
  traceExists,
  tracesInTime,
  tracesOfType,
  tracesWithTag,
} from './reads.js';
import { TraceStoreView } from './trace-store-view.js';
import type { PageOptions, RecordChildOptions, RecordOptions, Trace, TraceTree, TraceType } from './types.js';
import { recordTrace } from './writes.js';

/**
 * Structured reasoning traces (tool calls, decisions, queries, thoughts, errors, custom steps) as trees,
 * indexed by type, tag, time and parent. A stateless facade over an engine: it holds only `db`. Reads
 * are snapshot reads; each `record` checks its arguments once, then runs as one transaction.
 *
 * @example
 * const traces = new TraceStore(db);
 * const root = await traces.record(run, { type: 'thought', content: 'plan the search' }, { tags: ['plan'] });
 * await traces.recordChild(run, root, { type: 'tool_call', toolName: 'search', arguments: { q: 'lmdb' } });
 * const tree = await traces.getTree(run, root);
 */
export class TraceStore {
  readonly #db: Engine;

  /** @example const traces = new TraceStore(db); */
  constructor(db: Engine) {
    checkDatabase(db, 'TraceStore');
    this.#db = db;
  }

  /**
   * A view bound to `runId ?? tx.runId` whose reads and writes belong to `tx`.
   *
   * @example
   * await db.transaction(async (tx) => {
   *   const id = await traces.in(tx).record({ type: 'thought', content: 'x' });
   *   tx.put(Key.kv(run, 'last-trace'), id);
   * }, { runId: run });
   */
  in(tx: EngineTransaction, runId?: string): TraceStoreView {
    const bound = bindView(tx, runId, 'traces');
    return new TraceStoreView(bound.tx, bound.runId);
  }

  #record(runId: string, rec: CheckedRecord): Promise<string> {
    // No `{ runId }` option: it only sets the default run of views, and these writes name their run.
    return this.#db.transaction((tx) => recordTrace(tx, runId, rec));
  }

  /**
   * Records a trace in `runId` with its index entries, atomically; returns its id.
   *
   * @example
   * const id = await traces.record(run, { type: 'decision', question: 'tool?', options: ['a', 'b'], chosen: 'a' },
   *   { tags: ['routing'], metadata: { model: 'm1' } });
   */
  async record(runId: string, traceType: TraceType, opts?: RecordOptions): Promise<string> {
    validateRunId(runId);
    return this.#record(runId, checkRecord(traceType, opts, undefined));
  }

  /**
   * Records a trace under `parentId` (`NOT_FOUND` if the parent is missing).
   *
   * @example
   * await traces.recordChild(run, root, { type: 'error', errorType: 'Timeout', message: 'slow', recoverable: true });
   */
  async recordChild(
    runId: string,
    parentId: string,
    traceType: TraceType,
    opts?: RecordChildOptions,
  ): Promise<string> {
    validateRunId(runId);
    validateTraceId(parentId, 'parent id');
    return this.#record(runId, checkRecord(traceType, opts, parentId));
  }

  /** The trace `id` of `runId`, or `undefined`. @example await traces.get(run, root) */
  async get(runId: string, id: string): Promise<Trace | undefined> {
    validateRunId(runId);
    return readTrace(this.#db, runId, id);
  }

  /** Whether trace `id` exists in `runId`. @example await traces.exists(run, root) */
  async exists(runId: string, id: string): Promise<boolean> {
    validateRunId(runId);
    return traceExists(this.#db, runId, id);
  }

  /**
   * The run's traces in (timestamp, id) order; page with `{ limit, after: cursorOf(last) }`.
   *
   * @example
   * const page = await traces.list(run, { limit: 50 });
   */
  async list(runId: string, page?: PageOptions): Promise<Trace[]> {
    validateRunId(runId);
    return listTraces(this.#db, runId, page);
  }

  /** How many traces `runId` holds (O(1)). @example await traces.count(run) */
  async count(runId: string): Promise<number> {
    validateRunId(runId);
    return countTraces(this.#db, runId);
  }

  /**
   * Traces of one type name (built-in or custom), O(results).
   *
   * @example
   * await traces.queryByType(run, 'decision');
   */
  async queryByType(runId: string, typeName: string, page?: PageOptions): Promise<Trace[]> {
    validateRunId(runId);
    return tracesOfType(this.#db, runId, typeName, page);
  }

  /**
   * Traces with exactly this tag, O(results).
   *
   * @example
   * await traces.queryByTag(run, 'urgent', { limit: 10 });
   */
  async queryByTag(runId: string, tag: string, page?: PageOptions): Promise<Trace[]> {
    validateRunId(runId);
    return tracesWithTag(this.#db, runId, tag, page);
  }

  /**
   * Traces recorded in `[startMs, endMs)`, O(results).
   *
   * @example
   * await traces.queryByTime(run, t0, t0 + 1_000);
   */
  async queryByTime(runId: string, startMs: number, endMs: number, page?: PageOptions): Promise<Trace[]> {
    validateRunId(runId);
    return tracesInTime(this.#db, runId, startMs, endMs, page);
  }

  /** Direct children of `parentId`. @example await traces.getChildren(run, root) */
  async getChildren(runId: string, parentId: string, page?: PageOptions): Promise<Trace[]> {
    validateRunId(runId);
    return childrenOf(this.#db, runId, parentId, page);
  }

  /** Traces without a parent. @example await traces.getRoots(run) */
  async getRoots(runId: string, page?: PageOptions): Promise<Trace[]> {
    validateRunId(runId);
    return rootTraces(this.#db, runId, page);
  }

  /** The tree under `rootId`, or `undefined`. @example await traces.getTree(run, root) */
  async getTree(runId: string, rootId: string): Promise<TraceTree | undefined> {
    validateRunId(runId);
    return readTree(this.#db, runId, rootId);
  }
}
