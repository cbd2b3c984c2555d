import {
  AgentDBError,
  describe,
  invalidArgument,
  Key,
  newId,
  readClock,
  type Value,
  validateKeyString,
  validateRunId,
} from '@agentdb/core';
import { bindView, checkDatabase, type Engine, type EngineTransaction } from '@agentdb/engine';
import { checkPage, type PageOptions } from './page.js';
import {
  type CheckedRecord,
  checkRecordOptions,
  type RecordChildOptions,
  type RecordOptions,
  type Trace,
  type TraceTree,
  validateTraceId,
} from './trace.js';
import { BY_PARENT, BY_TAG, BY_TIME, BY_TYPE, countKey, indexKey, ROOTS, recordKey } from './trace-keys.js';
import { type Reads, readIndex, readTraces, readTree } from './trace-reader.js';
import { type TraceType, typeName, validateTraceType } from './trace-type.js';

/**
 * The trace store bound to one run: inside a transaction (`traces.in(tx, runId)`) its reads see the
 * transaction's own writes and its writes commit with it. Same methods as `TraceStore`, minus `runId`.
 */
export class TraceStoreView {
  readonly runId: string;
  readonly #db: Engine;
  readonly #reads: Reads;
  readonly #tx: EngineTransaction | undefined;

  /** @internal Use `traces.in(tx, runId?)`. */
  constructor(db: Engine, runId: string, tx: EngineTransaction | undefined) {
    this.#db = db;
    this.runId = runId;
    this.#tx = tx;
    this.#reads = tx ?? db;
  }

  /**
   * Records a trace and its index entries (type, each tag, time, parent or root) atomically and
   * returns its id.
   *
   * @example
   * const id = await traces.in(tx).record({ type: 'thought', content: 'search first' }, { tags: ['plan'] });
   */
  async record(traceType: TraceType, opts?: RecordOptions): Promise<string> {
    return this.#record(traceType, opts, undefined);
  }

  /**
   * Records a trace under `parentId`, which must exist in this run (`NOT_FOUND` otherwise).
   *
   * @example
   * await traces.in(tx).recordChild(parentId, { type: 'tool_call', toolName: 'search', arguments: { q: 'x' } });
   */
  async recordChild(parentId: string, traceType: TraceType, opts?: RecordChildOptions): Promise<string> {
    validateTraceId(parentId, 'parent id');
    return this.#record(traceType, opts, parentId);
  }

  async #record(traceTypeInput: unknown, opts: unknown, childOf: string | undefined): Promise<string> {
    // Every check happens first, on a copy read once — before the first write, and before the facade's
    // transaction, whose retries would otherwise read the caller's objects again. A caller that catches
    // the error inside its own transaction and commits anyway still writes nothing of this trace.
    const traceType = validateTraceType(traceTypeInput);
    const checked = checkRecordOptions(opts, childOf === undefined);
    if (this.#tx === undefined) {
      return this.#db.transaction(
        (tx) => new TraceStoreView(this.#db, this.runId, tx).#write(traceType, checked, childOf),
        { runId: this.runId },
      );
    }
    return this.#write(traceType, checked, childOf);
  }

  async #write(traceType: TraceType, checked: CheckedRecord, childOf: string | undefined): Promise<string> {
    const { id: givenId, tags, metadata } = checked;
    const parentId = childOf ?? checked.parentId;
    const tx = this.#tx!;
    const runId = this.runId;
    const id = givenId ?? newId();
    const key = recordKey(runId, id);
    // Generated ids are checked too: the read is cheap and makes uniqueness a fact, not a probability.
    if ((await tx.get(key)) !== undefined) {
      throw new AgentDBError(
        'ALREADY_EXISTS',
        `trace ${id} already exists in run ${runId}; ids are never reused`,
      );
    }
    if (parentId !== undefined && (await tx.get(recordKey(runId, parentId))) === undefined) {
      throw new AgentDBError('NOT_FOUND', `parent trace ${parentId} does not exist in run ${runId}`);
    }
    const timestamp = readClock(this.#db.clock);
    const trace: Trace =
      parentId === undefined
        ? { id, traceType, timestamp, tags, metadata }
        : { id, parentId, traceType, timestamp, tags, metadata };
    const indexKeys = [
      indexKey(runId, [BY_TYPE, typeName(traceType)], timestamp, id),
      indexKey(runId, [BY_TIME], timestamp, id),
      parentId === undefined
        ? indexKey(runId, [ROOTS], timestamp, id)
        : indexKey(runId, [BY_PARENT, parentId], timestamp, id),
      ...tags.map((tag) => indexKey(runId, [BY_TAG, tag], timestamp, id)),
    ];
    // The record goes first: it is the only write that can still fail (size limit), and then nothing
    // of this trace is buffered. Index entries are built above, so they cannot fail.
    tx.put(key, trace as unknown as Value);
    for (const k of indexKeys) tx.put(k, id);
    // A commit-time increment: concurrent recorders in one run never conflict on the counter.
    // The transaction's own reads of the counter include it (the engine previews pending mutations).
    tx.mutate(countKey(runId), (n) => ({ value: (typeof n === 'number' ? n : 0) + 1, result: undefined }));
    return id;
  }

  /**
   * The trace `id`, or `undefined`.
   *
   * @example
   * const t = await traces.in(tx).get(id);
   */
  async get(id: string): Promise<Trace | undefined> {
    validateTraceId(id, 'trace id');
    const [trace] = await readTraces(this.#reads, this.runId, [id]);
    return trace;
  }

  /**
   * Whether trace `id` exists.
   *
   * @example
   * if (await traces.in(tx).exists(id)) …
   */
  async exists(id: string): Promise<boolean> {
    validateTraceId(id, 'trace id');
    const [v] = await this.#reads.getMany([recordKey(this.runId, id)]);
    return v !== undefined;
  }

  /**
   * Every trace of the run in (timestamp, id) order, optionally paged.
   *
   * @example
   * const first100 = await traces.in(tx).list({ limit: 100 });
   */
  async list(page?: PageOptions): Promise<Trace[]> {
    return readIndex(this.#reads, this.runId, [BY_TIME], checkPage(page));
  }

  /**
   * How many traces the run holds: one read of a counter kept with the records.
   *
   * @example
   * const n = await traces.in(tx).count();
   */
  async count(): Promise<number> {
    // Inside a transaction this includes its own records: the engine previews the pending increments.
    const key = countKey(this.runId);
    const stored = this.#tx === undefined ? await this.#reads.get(key) : await this.#tx.getPending(key);
    return typeof stored === 'number' ? stored : 0;
  }

  /**
   * Traces whose `typeName` is `name` (`'tool_call'`, … or a custom trace's name).
   *
   * @example
   * const calls = await traces.in(tx).queryByType('tool_call');
   */
  async queryByType(name: string, page?: PageOptions): Promise<Trace[]> {
    validateKeyString(name, 'type name');
    return readIndex(this.#reads, this.runId, [BY_TYPE, name], checkPage(page));
  }

  /**
   * Traces carrying exactly the tag `tag` (never a tag it is a prefix of).
   *
   * @example
   * const urgent = await traces.in(tx).queryByTag('urgent', { limit: 20 });
   */
  async queryByTag(tag: string, page?: PageOptions): Promise<Trace[]> {
    validateKeyString(tag, 'tag');
    return readIndex(this.#reads, this.runId, [BY_TAG, tag], checkPage(page));
  }

  /**
   * Traces with `startMs ≤ timestamp < endMs` (integer milliseconds).
   *
   * @example
   * const lastMinute = await traces.in(tx).queryByTime(now - 60_000, now);
   */
  async queryByTime(startMs: number, endMs: number, page?: PageOptions): Promise<Trace[]> {
    checkTime(startMs, 'startMs');
    checkTime(endMs, 'endMs');
    if (startMs > endMs) throw invalidArgument(`startMs (${startMs}) must not be after endMs (${endMs})`);
    const checked = checkPage(page);
    // ('time', t) sorts before every ('time', t, id), so these two keys bound [startMs, endMs) exactly.
    const range = {
      start: Key.trace(this.runId, BY_TIME, startMs),
      end: Key.trace(this.runId, BY_TIME, endMs),
    };
    return readIndex(this.#reads, this.runId, [BY_TIME], checked, range);
  }

  /**
   * The direct children of `parentId` (empty when it has none or does not exist).
   *
   * @example
   * const steps = await traces.in(tx).getChildren(parentId);
   */
  async getChildren(parentId: string, page?: PageOptions): Promise<Trace[]> {
    validateTraceId(parentId, 'parent id');
    return readIndex(this.#reads, this.runId, [BY_PARENT, parentId], checkPage(page));
  }

  /**
   * Traces without a parent.
   *
   * @example
   * const roots = await traces.in(tx).getRoots();
   */
  async getRoots(page?: PageOptions): Promise<Trace[]> {
    return readIndex(this.#reads, this.runId, [ROOTS], checkPage(page));
  }

  /**
   * The tree under `rootId` (any trace may be the root), or `undefined` if it does not exist.
   * Built iteratively, so depth is limited only by memory.
   *
   * @example
   * const tree = await traces.in(tx).getTree(rootId);
   */
  async getTree(rootId: string): Promise<TraceTree | undefined> {
    validateTraceId(rootId, 'root id');
    return readTree(this.#reads, this.runId, rootId);
  }
}

function checkTime(ms: unknown, what: string): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) {
    throw invalidArgument(`${what} must be integer milliseconds since the epoch, got ${describe(ms)}`);
  }
}

/**
 * Structured reasoning traces (tool calls, decisions, queries, thoughts, errors, custom steps) as trees,
 * indexed by type, tag, time and parent. A stateless facade over a `Database`: it holds only `db`.
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
   *   await kv.in(tx).put('last-trace', id);
   * }, { runId: run });
   */
  in(tx: EngineTransaction, runId?: string): TraceStoreView {
    const bound = bindView(tx, runId, 'traces');
    return new TraceStoreView(this.#db, bound.runId, bound.tx);
  }

  // Facade reads use snapshot reads on the database; writes open one transaction. Both go through
  // the same view code.
  #view(runId: string): TraceStoreView {
    validateRunId(runId);
    return new TraceStoreView(this.#db, runId, undefined);
  }

  /**
   * Records a trace in `runId` with its index entries, atomically; returns its id.
   *
   * @example
   * const id = await traces.record(run, { type: 'decision', question: 'tool?', options: ['a', 'b'], chosen: 'a' },
   *   { tags: ['routing'], metadata: { model: 'm1' } });
   */
  async record(runId: string, traceType: TraceType, opts?: RecordOptions): Promise<string> {
    return this.#view(runId).record(traceType, opts);
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
    return this.#view(runId).recordChild(parentId, traceType, opts);
  }

  /** The trace `id` of `runId`, or `undefined`. @example await traces.get(run, id) */
  async get(runId: string, id: string): Promise<Trace | undefined> {
    return this.#view(runId).get(id);
  }

  /** Whether trace `id` exists in `runId`. @example await traces.exists(run, id) */
  async exists(runId: string, id: string): Promise<boolean> {
    return this.#view(runId).exists(id);
  }

  /**
   * The run's traces in (timestamp, id) order; page with `{ limit, after: cursorOf(last) }`.
   *
   * @example
   * const page = await traces.list(run, { limit: 50 });
   */
  async list(runId: string, page?: PageOptions): Promise<Trace[]> {
    return this.#view(runId).list(page);
  }

  /** How many traces `runId` holds (O(1)). @example await traces.count(run) */
  async count(runId: string): Promise<number> {
    return this.#view(runId).count();
  }

  /**
   * Traces of one type name (built-in or custom), O(results).
   *
   * @example
   * await traces.queryByType(run, 'decision');
   */
  async queryByType(runId: string, typeName: string, page?: PageOptions): Promise<Trace[]> {
    return this.#view(runId).queryByType(typeName, page);
  }

  /**
   * Traces with exactly this tag, O(results).
   *
   * @example
   * await traces.queryByTag(run, 'urgent', { limit: 10 });
   */
  async queryByTag(runId: string, tag: string, page?: PageOptions): Promise<Trace[]> {
    return this.#view(runId).queryByTag(tag, page);
  }

  /**
   * Traces recorded in `[startMs, endMs)`, O(results).
   *
   * @example
   * await traces.queryByTime(run, t0, t0 + 1_000);
   */
  async queryByTime(runId: string, startMs: number, endMs: number, page?: PageOptions): Promise<Trace[]> {
    return this.#view(runId).queryByTime(startMs, endMs, page);
  }

  /** Direct children of `parentId`. @example await traces.getChildren(run, root) */
  async getChildren(runId: string, parentId: string, page?: PageOptions): Promise<Trace[]> {
    return this.#view(runId).getChildren(parentId, page);
  }

  /** Traces without a parent. @example await traces.getRoots(run) */
  async getRoots(runId: string, page?: PageOptions): Promise<Trace[]> {
    return this.#view(runId).getRoots(page);
  }

  /** The tree under `rootId`, or `undefined`. @example await traces.getTree(run, root) */
  async getTree(runId: string, rootId: string): Promise<TraceTree | undefined> {
    return this.#view(runId).getTree(rootId);
  }
}
