import {
  type AgentDB,
  AgentDBError,
  invalidArgument,
  isValueObject,
  type RunMetadata,
  type Trace,
  validateRunId,
} from '@agentdb/primitives';
import { type HrTime, SpanKind, type SpanStatus, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { addHrTimes, ExportResultCode, hrTimeDuration, millisToHrTime } from '@opentelemetry/core';
import { type Resource, resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { RUN_ID, RUN_NAME, RUN_STATUS, SCOPE_NAME } from './attributes.js';
import { otelTraceIdOf, spanIdOf } from './span-ids.js';
import { hasEnded, hrTimeOfNanos, isBefore } from './span-time.js';
import { spanContentOf } from './trace-to-span.js';
import { PACKAGE_VERSION } from './version.js';

/** The parts of `AgentDB` the export reads. */
export type ExportSource = Pick<AgentDB, 'engine' | 'traces' | 'runs'>;

/** Options of `runSpans` and `exportRun`. */
export interface RunSpansOptions {
  /**
   * The resource the spans report (your service name, deployment …). The run's `agentdb.run.id`,
   * `agentdb.run.name` and `agentdb.run.status` are added to it. Default: `service.name` = `agentdb`.
   */
  resource?: Resource;
}

/** Options of `exportRun`. */
export interface ExportRunOptions extends RunSpansOptions {
  /** Spans handed to the exporter per `export` call, parents before children. Default 512. */
  batchSize?: number;
}

/** What `exportRun` sent. */
export interface ExportRunResult {
  /** The OpenTelemetry trace id of the run (32 hex characters; the same every time). */
  traceId: string;
  /** How many spans were exported: one per trace. */
  spans: number;
}

const DEFAULT_BATCH_SIZE = 512;

/**
 * The run's traces as finished OpenTelemetry spans, parents before children: one trace id for the run,
 * the trace tree as the span tree, GenAI conventions where they apply (README, "Mapping"). Read from one
 * snapshot. `NOT_FOUND` when the run has neither a record nor traces.
 *
 * @example
 * const spans = await runSpans(db, 'triage-1');
 * spans[0].name; // 'agentdb.thought'
 */
export async function runSpans(
  db: ExportSource,
  runId: string,
  opts?: RunSpansOptions,
): Promise<ReadableSpan[]> {
  validateRunId(runId);
  const resource = opts?.resource;
  if (resource !== undefined && (resource === null || typeof resource.merge !== 'function')) {
    throw invalidArgument('resource must be an OpenTelemetry Resource (resourceFromAttributes({ … }))');
  }
  // One read-only transaction: the run record and every trace from one snapshot (never conflicts).
  const { record, traces } = await db.engine.transaction(async (tx) => ({
    record: await db.runs.in(tx, runId).getRun(),
    traces: await db.traces.in(tx, runId).list(),
  }));
  if (record === undefined && traces.length === 0) {
    throw new AgentDBError('NOT_FOUND', `run ${runId} has no record and no traces`);
  }
  const base = resource ?? resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'agentdb' });
  return spansOf(runId, traces, base.merge(runResource(runId, record)));
}

/**
 * Exports the run's traces (`runSpans`) through any OpenTelemetry `SpanExporter` — OTLP over HTTP
 * (protobuf or JSON), gRPC, the console … — in batches of `batchSize`, parents first. Resolves when the
 * exporter has acknowledged every batch; rejects with the exporter's error if it reports a failure. The
 * exporter stays open: shut it down yourself.
 *
 * @example
 * const exporter = new OTLPTraceExporter({ url: 'http://localhost:4318/v1/traces' });
 * const { traceId, spans } = await exportRun(db, 'triage-1', exporter);
 * await exporter.shutdown();
 */
export async function exportRun(
  db: ExportSource,
  runId: string,
  exporter: SpanExporter,
  opts?: ExportRunOptions,
): Promise<ExportRunResult> {
  if (exporter === null || typeof exporter !== 'object' || typeof exporter.export !== 'function') {
    throw invalidArgument('exportRun needs a SpanExporter (an object with export(spans, callback))');
  }
  const batchSize = opts?.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw invalidArgument(`batchSize must be a positive integer, got ${String(batchSize)}`);
  }
  const spans = await runSpans(
    db,
    runId,
    opts?.resource === undefined ? undefined : { resource: opts.resource },
  );
  for (let i = 0; i < spans.length; i += batchSize) {
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
      exporter.export(spans.slice(i, i + batchSize), resolve),
    );
    if (result.code !== ExportResultCode.SUCCESS) {
      throw new Error(
        `exporting run ${runId} failed after ${i} of ${spans.length} spans: ${result.error?.message ?? 'the exporter reported a failure'}`,
        { cause: result.error },
      );
    }
  }
  return { traceId: otelTraceIdOf(runId), spans: spans.length };
}

function runResource(runId: string, record: RunMetadata | undefined): Resource {
  return resourceFromAttributes({
    [RUN_ID]: runId,
    ...(record?.name === undefined ? {} : { [RUN_NAME]: record.name }),
    ...(record === undefined ? {} : { [RUN_STATUS]: record.status }),
  });
}

/** What an imported trace kept of its span in `metadata.otel` (span-to-trace.ts) and export restores. */
interface ImportedOrigin {
  start: HrTime;
  end: HrTime | undefined;
  kind: SpanKind;
  status: SpanStatus | undefined;
}

function importedOrigin(trace: Trace): ImportedOrigin | undefined {
  const otel = isValueObject(trace.metadata) ? trace.metadata.otel : undefined;
  if (!isValueObject(otel)) return undefined;
  const start = hrTimeOfNanos(otel.startTimeUnixNano);
  if (start === undefined) return undefined;
  const end = hrTimeOfNanos(otel.endTimeUnixNano);
  const kind = typeof otel.kind === 'string' ? SpanKind[otel.kind as keyof typeof SpanKind] : undefined;
  const status = isValueObject(otel.status) ? otel.status : undefined;
  const code =
    typeof status?.code === 'string' ? SpanStatusCode[status.code as keyof typeof SpanStatusCode] : undefined;
  return {
    start,
    end: hasEnded(start, end) ? end : undefined,
    kind: kind ?? SpanKind.INTERNAL,
    status:
      code === undefined
        ? undefined
        : { code, ...(typeof status?.message === 'string' ? { message: status.message } : {}) },
  };
}

/** A trace's start, and its end when it has one of its own (a tool call's duration, an imported end). */
function ownTimes(
  trace: Trace,
  imported: ImportedOrigin | undefined,
): { start: HrTime; end: HrTime | undefined } {
  if (imported !== undefined) return imported;
  const start = millisToHrTime(trace.timestamp);
  const t = trace.traceType;
  const end =
    t.type === 'tool_call' && t.durationMs !== undefined
      ? addHrTimes(start, millisToHrTime(t.durationMs))
      : undefined;
  return { start, end };
}

/**
 * Builds the spans: parents before children (breadth-first from the roots), each ending at its own end
 * or, without one, when its last descendant ends (zero length for a leaf), so a parent covers its children
 * on a timeline.
 */
function spansOf(runId: string, traces: Trace[], resource: Resource): ReadableSpan[] {
  const byId = new Map(traces.map((t) => [t.id, t]));
  const children = new Map<string, Trace[]>();
  const roots: Trace[] = [];
  for (const t of traces) {
    if (t.parentId === undefined || !byId.has(t.parentId)) roots.push(t);
    else {
      const siblings = children.get(t.parentId);
      if (siblings === undefined) children.set(t.parentId, [t]);
      else siblings.push(t);
    }
  }
  // Breadth-first order; anything a (forged) cycle keeps out of reach of the roots is appended.
  const order: Trace[] = [];
  const seen = new Set<string>();
  const visit = (t: Trace) => {
    if (!seen.has(t.id)) {
      seen.add(t.id);
      order.push(t);
    }
  };
  for (const r of roots) visit(r);
  for (let i = 0; i < order.length || seen.size < traces.length; i++) {
    if (i >= order.length) visit(traces.find((t) => !seen.has(t.id))!);
    for (const c of children.get(order[i]!.id) ?? []) visit(c);
  }
  // Ends bottom-up: reverse breadth-first order visits every child before its parent.
  const origins = new Map(order.map((t) => [t.id, importedOrigin(t)]));
  const times = new Map(order.map((t) => [t.id, ownTimes(t, origins.get(t.id))]));
  const ends = new Map<string, HrTime>();
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i]!;
    const own = times.get(t.id)!;
    let end = own.end ?? own.start;
    if (own.end === undefined) {
      for (const c of children.get(t.id) ?? []) {
        const childEnd = ends.get(c.id);
        if (childEnd !== undefined && isBefore(end, childEnd)) end = childEnd;
      }
    }
    ends.set(t.id, end);
  }
  const traceId = otelTraceIdOf(runId);
  return order.map((t) => {
    const { start } = times.get(t.id)!;
    const end = ends.get(t.id)!;
    const content = spanContentOf(t, start);
    const origin = origins.get(t.id);
    const spanId = spanIdOf(runId, t.id);
    const parentSpanId =
      t.parentId !== undefined && byId.has(t.parentId) ? spanIdOf(runId, t.parentId) : undefined;
    return {
      name: content.name,
      kind: origin?.kind ?? SpanKind.INTERNAL,
      spanContext: () => ({ traceId, spanId, traceFlags: TraceFlags.SAMPLED }),
      ...(parentSpanId === undefined
        ? {}
        : {
            parentSpanContext: {
              traceId,
              spanId: parentSpanId,
              traceFlags: TraceFlags.SAMPLED,
              isRemote: false,
            },
          }),
      startTime: start,
      endTime: end,
      duration: hrTimeDuration(start, end),
      // An imported span's own status, unless the trace says more (an error trace is always ERROR).
      status:
        content.status.code === SpanStatusCode.UNSET ? (origin?.status ?? content.status) : content.status,
      attributes: content.attributes.finish(),
      links: [],
      events: content.events,
      ended: true,
      resource,
      instrumentationScope: { name: SCOPE_NAME, version: PACKAGE_VERSION },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    } satisfies ReadableSpan;
  });
}
