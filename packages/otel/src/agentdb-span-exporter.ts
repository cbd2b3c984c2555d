import {
  type AgentDB,
  AgentDBError,
  describe,
  invalidArgument,
  isAgentDBError,
  validateRunId,
} from '@agentdb/primitives';
import { diag } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { RUN_ID } from './attributes.js';
import { placeSpans, type SpanItem } from './span-placement.js';
import { spanRecordOf } from './span-to-trace.js';

/** The parts of `AgentDB` the exporter writes through. */
export type ImportTarget = Pick<AgentDB, 'engine' | 'traces'>;

/**
 * Which run a span is recorded under: one fixed run for every span, or the run named by an attribute of the
 * span or, failing that, of its resource (default attribute `agentdb.run.id`).
 */
export type RunChoice = { runId: string; runAttribute?: never } | { runId?: never; runAttribute?: string };

/** Options of `AgentDBSpanExporter`. */
export type AgentDBSpanExporterOptions = RunChoice & {
  /**
   * Most spans held in memory waiting for a parent that has not been exported yet. Past it, the spans
   * that have waited longest are recorded as roots. Default 10,000.
   */
  maxPendingSpans?: number;
};

const DEFAULT_MAX_PENDING = 10_000;
const OPTION_KEYS = new Set(['runId', 'runAttribute', 'maxPendingSpans']);

/**
 * An OpenTelemetry `SpanExporter` that records finished spans as AgentDB traces: plug it into any tracer
 * provider (`BatchSpanProcessor` or `SimpleSpanProcessor`) and spans from your code, the Vercel AI SDK,
 * LangChain … land in TraceStore under a run, as trees.
 *
 * - Each `export` call is one AgentDB transaction: all of its spans are recorded, or none is.
 * - Parents are recorded before children. A span whose parent has not arrived yet (children usually end
 *   first) waits in memory and is recorded together with its parent; `shutdown` records spans still
 *   waiting as roots (their parent span id stays in `metadata.otel.parentSpanId`).
 * - A failure is reported through the export callback (`ExportResultCode.FAILED` with an `AgentDBError`
 *   naming the span), never thrown into the application.
 *
 * @example
 * const provider = new BasicTracerProvider({
 *   spanProcessors: [new BatchSpanProcessor(new AgentDBSpanExporter(db, { runId: 'triage-1' }))],
 * });
 */
export class AgentDBSpanExporter implements SpanExporter {
  readonly #db: ImportTarget;
  readonly #runOf: (span: ReadableSpan) => string;
  readonly #maxPending: number;
  /** Spans waiting for their parent, by span key, in arrival order. */
  readonly #waiting = new Map<string, SpanItem>();
  /** Exports run one after another, in call order (children's exports then precede their parent's). */
  #queue: Promise<void> = Promise.resolve();
  #seq = 0;
  #shutDown = false;

  /**
   * `db` is an open `AgentDB` (the exporter writes through `db.engine` and `db.traces`). Bad options
   * throw `INVALID_ARGUMENT` here, at set-up.
   *
   * @example
   * new AgentDBSpanExporter(db, { runAttribute: 'session.id' });
   */
  constructor(db: ImportTarget, options: AgentDBSpanExporterOptions = {}) {
    if (db === null || typeof db !== 'object' || db.engine === undefined || db.traces === undefined) {
      throw invalidArgument('AgentDBSpanExporter needs an open AgentDB (AgentDB.open(…))');
    }
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(`AgentDBSpanExporter options must be an object, got ${describe(options)}`);
    }
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS.has(key)) {
        throw invalidArgument(
          `unknown AgentDBSpanExporter option "${key}" (expected runId, runAttribute, maxPendingSpans)`,
        );
      }
    }
    const { runId, runAttribute, maxPendingSpans } = options;
    if (runId !== undefined && runAttribute !== undefined) {
      throw invalidArgument('give either runId (one run for every span) or runAttribute, not both');
    }
    if (runId !== undefined) {
      validateRunId(runId);
      this.#runOf = () => runId;
    } else {
      const key = runAttribute ?? RUN_ID;
      if (typeof key !== 'string' || key === '') {
        throw invalidArgument(`runAttribute must be a non-empty string, got ${describe(key)}`);
      }
      this.#runOf = (span) => runFromAttribute(span, key);
    }
    const max = maxPendingSpans ?? DEFAULT_MAX_PENDING;
    if (!Number.isSafeInteger(max) || max < 0) {
      throw invalidArgument(`maxPendingSpans must be a non-negative integer, got ${describe(max)}`);
    }
    this.#db = db;
    this.#maxPending = max;
  }

  /** How many spans are waiting for their parent to be exported. @example exporter.pendingSpans // 0 */
  get pendingSpans(): number {
    return this.#waiting.size;
  }

  /**
   * Records `spans` in one transaction and reports the outcome through `resultCallback` (the SDK's span
   * processors call this; you rarely do). Spans waiting for a parent count as accepted.
   *
   * @example
   * exporter.export(spans, ({ code, error }) => { if (code !== ExportResultCode.SUCCESS) console.error(error) });
   */
  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutDown) {
      report(
        resultCallback,
        failure(new AgentDBError('CLOSED', 'the AgentDBSpanExporter has been shut down')),
      );
      return;
    }
    const done = this.#enqueue(() => this.#write(spans, false));
    done.then(
      () => report(resultCallback, { code: ExportResultCode.SUCCESS }),
      (error: unknown) => report(resultCallback, failure(error)),
    );
  }

  /**
   * Waits until every export called so far has been written. Spans still waiting for their parent keep
   * waiting (their parent may still be running).
   *
   * @example
   * await provider.forceFlush();
   */
  async forceFlush(): Promise<void> {
    await this.#queue;
  }

  /**
   * Finishes pending exports, records every span still waiting for its parent as a root, and refuses
   * later exports (`CLOSED`). Never rejects: a failure to record the waiting spans is logged through the
   * OpenTelemetry diagnostic logger (`diag`). Idempotent. The database stays open.
   *
   * @example
   * await provider.shutdown();
   */
  async shutdown(): Promise<void> {
    if (!this.#shutDown) {
      this.#shutDown = true;
      this.#enqueue(() => this.#write([], true)).catch((error: unknown) =>
        diag.error(
          `AgentDBSpanExporter: spans waiting for their parent were not recorded: ${message(error)}`,
        ),
      );
    }
    await this.#queue;
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const done = this.#queue.then(task);
    this.#queue = done.then(
      () => undefined,
      () => undefined,
    );
    return done;
  }

  /** One export: map, place, record in one transaction; only then update the waiting spans. */
  async #write(spans: ReadableSpan[], flushAll: boolean): Promise<void> {
    if (!Array.isArray(spans))
      throw invalidArgument(`export needs an array of spans, got ${describe(spans)}`);
    const incoming = spans.map((span) => this.#itemOf(span));
    // The spans to place: the new ones, the waiting spans they are ancestors of (transitively), and every
    // waiting span when flushing all or when the waiting room would overflow.
    const items = new Map(incoming.map((i) => [i.key, i]));
    const overflow = this.#waiting.size + incoming.length > this.#maxPending;
    if (flushAll || overflow) {
      for (const w of this.#waiting.values()) if (!items.has(w.key)) items.set(w.key, w);
    } else {
      const byParent = new Map<string, SpanItem[]>();
      for (const w of this.#waiting.values()) {
        const list = byParent.get(w.parentKey!);
        if (list === undefined) byParent.set(w.parentKey!, [w]);
        else list.push(w);
      }
      const queue = [...incoming];
      for (let i = 0; i < queue.length; i++) {
        for (const child of byParent.get(queue[i]!.key) ?? []) {
          if (!items.has(child.key)) {
            items.set(child.key, child);
            queue.push(child);
          }
        }
      }
    }
    const candidates = [...items.values()];
    const othersWaiting = [...this.#waiting.keys()].filter((k) => !items.has(k)).length;
    const { traces } = this.#db;
    const plan = await this.#db.engine.transaction(async (tx) => {
      const placed = await placeSpans(candidates, {
        noWaiting: flushAll,
        waitCapacity: this.#maxPending - othersWaiting,
        storedParent: async (runId, ids) => {
          const view = traces.in(tx, runId);
          for (const id of ids) if (await view.exists(id)) return id;
          return undefined;
        },
      });
      for (const { item, parentId } of placed.write) {
        const { id, traceType, tags, metadata } = item.record;
        try {
          await traces
            .in(tx, item.runId)
            .record(
              traceType,
              parentId === undefined ? { id, tags, metadata } : { id, parentId, tags, metadata },
            );
        } catch (error) {
          throw aboutSpan(item.label, error);
        }
      }
      return placed;
    });
    // Committed: the placed spans leave the waiting room, and those that must wait enter it.
    for (const key of items.keys()) this.#waiting.delete(key);
    for (const w of plan.wait) this.#waiting.set(w.key, w);
  }

  /** Maps one span, naming it in any error. */
  #itemOf(span: ReadableSpan): SpanItem {
    const label = labelOf(span);
    try {
      const ctx = span.spanContext();
      const parent = span.parentSpanContext;
      return {
        key: `${ctx.traceId}-${ctx.spanId}`,
        parentKey: parent === undefined ? undefined : `${parent.traceId}-${parent.spanId}`,
        remoteParent: parent?.isRemote === true,
        runId: this.#runOf(span),
        record: spanRecordOf(span),
        seq: this.#seq++,
        startMs: hrTimeToMilliseconds(span.startTime),
        label,
      };
    } catch (error) {
      throw aboutSpan(label, error);
    }
  }
}

function runFromAttribute(span: ReadableSpan, key: string): string {
  const value = span.attributes[key] ?? span.resource.attributes[key];
  if (value === undefined) {
    throw invalidArgument(
      `no ${key} attribute on the span or its resource: set one, or give the exporter a runId`,
    );
  }
  validateRunId(value);
  return value;
}

function labelOf(span: ReadableSpan): string {
  let spanId = '?';
  try {
    spanId = span.spanContext().spanId;
  } catch {
    // A span object without a context is reported by the mapping itself.
  }
  return `span ${describe(span?.name)} (span id ${spanId})`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The same error, its message prefixed with the span it concerns. */
function aboutSpan(label: string, error: unknown): AgentDBError {
  if (isAgentDBError(error)) {
    const text = error.message.replace(`${error.code}: `, '');
    return new AgentDBError(error.code, `${label}: ${text}`, {
      ...(error.path === undefined ? {} : { path: error.path }),
      cause: error,
    });
  }
  return new AgentDBError('INVALID_ARGUMENT', `${label}: ${message(error)}`, { cause: error });
}

function failure(error: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) };
}

/** Calls the SDK's callback; whatever it throws is logged, never left as an unhandled rejection. */
function report(callback: (result: ExportResult) => void, result: ExportResult): void {
  try {
    callback(result);
  } catch (error) {
    diag.error(`AgentDBSpanExporter: the export callback threw: ${message(error)}`);
  }
}
