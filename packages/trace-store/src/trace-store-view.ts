import type { EngineTransaction } from '@agentdb/engine';
import { checkRecord, validateTraceId } from './arguments.js';
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
import type { PageOptions, RecordChildOptions, RecordOptions, Trace, TraceTree, TraceType } from './types.js';
import { recordTrace } from './writes.js';

/**
 * The trace store inside one transaction, bound to one run (`traces.in(tx, runId?)`): the `TraceStore`
 * methods minus `runId`. Its reads see the transaction's own writes (its `count` includes the traces
 * it recorded) and its writes commit with it. Valid only while the transaction's function runs.
 */
export class TraceStoreView {
  /** The run this view reads and writes. */
  readonly runId: string;
  readonly #tx: EngineTransaction;

  /** @internal Use `traces.in(tx, runId?)`: a checked transaction and run id. */
  constructor(tx: EngineTransaction, runId: string) {
    this.#tx = tx;
    this.runId = runId;
  }

  /**
   * Records a trace and its index entries (type, each tag, time, parent or root) atomically and
   * returns its id.
   *
   * @example
   * const id = await traces.in(tx).record({ type: 'thought', content: 'search first' }, { tags: ['plan'] });
   */
  async record(traceType: TraceType, opts?: RecordOptions): Promise<string> {
    return recordTrace(this.#tx, this.runId, checkRecord(traceType, opts, undefined));
  }

  /**
   * Records a trace under `parentId`, which must exist in this run (`NOT_FOUND` otherwise).
   *
   * @example
   * await traces.in(tx).recordChild(root, { type: 'tool_call', toolName: 'search', arguments: { q: 'x' } });
   */
  async recordChild(parentId: string, traceType: TraceType, opts?: RecordChildOptions): Promise<string> {
    validateTraceId(parentId, 'parent id');
    return recordTrace(this.#tx, this.runId, checkRecord(traceType, opts, parentId));
  }

  /**
   * The trace `id`, or `undefined`.
   *
   * @example
   * const t = await traces.in(tx).get(root);
   */
  async get(id: string): Promise<Trace | undefined> {
    return readTrace(this.#tx, this.runId, id);
  }

  /**
   * Whether trace `id` exists.
   *
   * @example
   * if (await traces.in(tx).exists(root)) await traces.in(tx).recordChild(root, { type: 'thought', content: 'next' });
   */
  async exists(id: string): Promise<boolean> {
    return traceExists(this.#tx, this.runId, id);
  }

  /**
   * Every trace of the run in (timestamp, id) order, optionally paged.
   *
   * @example
   * const first100 = await traces.in(tx).list({ limit: 100 });
   */
  async list(page?: PageOptions): Promise<Trace[]> {
    return listTraces(this.#tx, this.runId, page);
  }

  /**
   * How many traces the run holds, including those recorded in this transaction: one counter read.
   *
   * @example
   * const n = await traces.in(tx).count();
   */
  async count(): Promise<number> {
    return countTraces(this.#tx, this.runId);
  }

  /**
   * Traces whose `typeName` is `name` (`'tool_call'`, … or a custom trace's name).
   *
   * @example
   * const calls = await traces.in(tx).queryByType('tool_call');
   */
  async queryByType(name: string, page?: PageOptions): Promise<Trace[]> {
    return tracesOfType(this.#tx, this.runId, name, page);
  }

  /**
   * Traces carrying exactly the tag `tag` (never a tag it is a prefix of).
   *
   * @example
   * const urgent = await traces.in(tx).queryByTag('urgent', { limit: 20 });
   */
  async queryByTag(tag: string, page?: PageOptions): Promise<Trace[]> {
    return tracesWithTag(this.#tx, this.runId, tag, page);
  }

  /**
   * Traces with `startMs ≤ timestamp < endMs` (integer milliseconds).
   *
   * @example
   * const lastMinute = await traces.in(tx).queryByTime(now - 60_000, now);
   */
  async queryByTime(startMs: number, endMs: number, page?: PageOptions): Promise<Trace[]> {
    return tracesInTime(this.#tx, this.runId, startMs, endMs, page);
  }

  /**
   * The direct children of `parentId` (empty when it has none or does not exist).
   *
   * @example
   * const steps = await traces.in(tx).getChildren(root);
   */
  async getChildren(parentId: string, page?: PageOptions): Promise<Trace[]> {
    return childrenOf(this.#tx, this.runId, parentId, page);
  }

  /**
   * Traces without a parent.
   *
   * @example
   * const roots = await traces.in(tx).getRoots();
   */
  async getRoots(page?: PageOptions): Promise<Trace[]> {
    return rootTraces(this.#tx, this.runId, page);
  }

  /**
   * The tree under `rootId` (any trace may be the root), or `undefined` if it does not exist.
   * Built iteratively, so depth is limited only by memory.
   *
   * @example
   * const tree = await traces.in(tx).getTree(root);
   */
  async getTree(rootId: string): Promise<TraceTree | undefined> {
    return readTree(this.#tx, this.runId, rootId);
  }
}
