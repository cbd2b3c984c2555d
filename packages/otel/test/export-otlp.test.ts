import type { AgentDB, Trace } from '@agentdb/primitives';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportRun, otelTraceIdOf, spanIdOf } from '../src/index.js';
import { DEMO_FAILED_RUN, DEMO_RUN, demoDatabase, disposeDatabases } from './helpers/database.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './helpers/otlp-receiver.js';

const MS = 1_000_000n;
const SPAN_KIND_INTERNAL = 1;
const STATUS_ERROR = 2;

let db: AgentDB;
let receiver: OtlpReceiver;

beforeAll(async () => {
  db = await demoDatabase();
});
afterAll(disposeDatabases);
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const encodings = [
  {
    name: 'OTLP/HTTP JSON',
    contentType: 'application/json',
    make: (url: string) => new OTLPJsonExporter({ url }),
  },
  {
    name: 'OTLP/HTTP protobuf',
    contentType: 'application/x-protobuf',
    make: (url: string) => new OTLPProtoExporter({ url }),
  },
];

/** Sends `runId` through the official exporter to the local receiver; returns what was received, by trace id. */
async function send(
  make: (url: string) => { shutdown(): Promise<void> } & Parameters<typeof exportRun>[2],
  runId: string,
  batchSize?: number,
) {
  const exporter = make(receiver.url);
  const result = await exportRun(db, runId, exporter, batchSize === undefined ? undefined : { batchSize });
  await exporter.shutdown();
  const byTrace = new Map<string, ReceivedSpan>();
  for (const span of receiver.spans) byTrace.set(span.attributes['agentdb.trace.id'] as string, span);
  return { result, byTrace };
}

/** When the span of `t` must end: its own duration, else its last descendant's end (its start for a leaf). */
function expectedEnd(t: Trace, traces: Trace[], byTrace: Map<string, ReceivedSpan>): bigint {
  const start = BigInt(t.timestamp) * MS;
  if (t.traceType.type === 'tool_call' && t.traceType.durationMs !== undefined) {
    return start + BigInt(Math.round(t.traceType.durationMs * 1e6));
  }
  let end = start;
  for (const c of traces.filter((x) => x.parentId === t.id)) {
    const childEnd = byTrace.get(c.id)!.endTimeUnixNano;
    if (childEnd > end) end = childEnd;
  }
  return end;
}

describe.each(encodings)('exportRun through the official $name exporter', ({ contentType, make }) => {
  it('sends every trace of the demo run as one span of one trace, parents linked, times kept', async () => {
    const traces = await db.traces.list(DEMO_RUN);
    expect(traces.length).toBeGreaterThan(10);
    const { result, byTrace } = await send(make, DEMO_RUN);

    expect(result).toEqual({ traceId: otelTraceIdOf(DEMO_RUN), spans: traces.length });
    expect(receiver.contentTypes.every((c) => c.startsWith(contentType))).toBe(true);
    expect(receiver.spans).toHaveLength(traces.length);
    expect(new Set(receiver.spans.map((s) => s.spanId)).size).toBe(traces.length);
    for (const t of traces) {
      const span = byTrace.get(t.id)!;
      expect(span.traceId).toBe(result.traceId);
      expect(span.spanId).toBe(spanIdOf(DEMO_RUN, t.id));
      expect(span.kind).toBe(SPAN_KIND_INTERNAL);
      expect(span.parentSpanId).toBe(t.parentId === undefined ? undefined : byTrace.get(t.parentId)!.spanId);
      expect(span.startTimeUnixNano).toBe(BigInt(t.timestamp) * MS);
      expect(span.endTimeUnixNano).toBe(expectedEnd(t, traces, byTrace));
      expect(span.attributes['agentdb.trace.type']).toBe(t.traceType.type);
      expect(span.attributes['agentdb.trace.tags'] ?? []).toEqual(t.tags);
      expect(span.resource).toMatchObject({
        'service.name': 'agentdb',
        'agentdb.run.id': DEMO_RUN,
        'agentdb.run.status': 'completed',
        'agentdb.run.name': 'Fix the flaky payment test in the checkout service',
      });
      expect(span.scope.name).toBe('@agentdb/otel');
    }
  });

  it('maps tool calls to GenAI execute_tool spans and the other types to agentdb.* spans', async () => {
    const traces = await db.traces.list(DEMO_RUN);
    const { byTrace } = await send(make, DEMO_RUN);
    const kinds = new Set<string>();
    for (const t of traces) {
      const span = byTrace.get(t.id)!;
      const tt = t.traceType;
      kinds.add(tt.type);
      switch (tt.type) {
        case 'tool_call':
          expect(span.name).toBe(`execute_tool ${tt.toolName}`);
          expect(span.attributes['gen_ai.operation.name']).toBe('execute_tool');
          expect(span.attributes['gen_ai.tool.name']).toBe(tt.toolName);
          expect(JSON.parse(span.attributes['gen_ai.tool.call.arguments'] as string)).toEqual(tt.arguments);
          expect(JSON.parse(span.attributes['gen_ai.tool.call.result'] as string)).toEqual(tt.result);
          expect(span.attributes['agentdb.tool.duration_ms']).toBe(tt.durationMs);
          break;
        case 'decision':
          expect(span.name).toBe('agentdb.decision');
          expect(span.attributes).toMatchObject({
            'agentdb.decision.question': tt.question,
            'agentdb.decision.options': tt.options,
            'agentdb.decision.chosen': tt.chosen,
          });
          expect(span.attributes['agentdb.decision.reasoning']).toBe(tt.reasoning);
          break;
        case 'thought':
          expect(span.name).toBe('agentdb.thought');
          expect(span.attributes['agentdb.thought.content']).toBe(tt.content);
          expect(span.attributes['agentdb.thought.confidence']).toBe(tt.confidence);
          break;
        default:
          throw new Error(`the demo run has no ${tt.type} trace: extend this test`);
      }
      expect(span.status.code).toBe(0);
    }
    expect([...kinds].sort()).toEqual(['decision', 'thought', 'tool_call']);
  });

  it('marks the error trace of the failed demo run with an error status and an exception event', async () => {
    const traces = await db.traces.list(DEMO_FAILED_RUN);
    const { byTrace } = await send(make, DEMO_FAILED_RUN);
    const errors = traces.filter((t) => t.traceType.type === 'error');
    expect(errors).toHaveLength(1);
    const t = errors[0]!;
    if (t.traceType.type !== 'error') throw new Error('unreachable');
    const span = byTrace.get(t.id)!;
    expect(span.name).toBe('agentdb.error');
    expect(span.status).toEqual({ code: STATUS_ERROR, message: t.traceType.message });
    expect(span.attributes).toMatchObject({
      'error.type': t.traceType.errorType,
      'agentdb.error.message': t.traceType.message,
      'agentdb.error.recoverable': t.traceType.recoverable,
    });
    expect(span.events).toEqual([
      {
        name: 'exception',
        timeUnixNano: BigInt(t.timestamp) * MS,
        attributes: { 'exception.type': t.traceType.errorType, 'exception.message': t.traceType.message },
      },
    ]);
    expect(span.resource['agentdb.run.status']).toBe('failed');
    const others = [...byTrace.values()].filter((s) => s !== span);
    expect(others.every((s) => s.status.code === 0)).toBe(true);
  });

  it('sends batches of batchSize spans, every parent in an earlier or the same request', async () => {
    const traces = await db.traces.list(DEMO_RUN);
    const { byTrace } = await send(make, DEMO_RUN, 4);
    expect(receiver.contentTypes).toHaveLength(Math.ceil(traces.length / 4));
    const position = new Map(receiver.spans.map((s, i) => [s.spanId, i]));
    for (const span of byTrace.values()) {
      if (span.parentSpanId !== undefined) {
        expect(position.get(span.parentSpanId)!).toBeLessThan(position.get(span.spanId)!);
      }
    }
  });

  it("rejects with the exporter's error when the collector refuses the request", async () => {
    receiver.failNext(1, 400);
    const exporter = make(receiver.url);
    await expect(exportRun(db, DEMO_RUN, exporter)).rejects.toThrow(
      /exporting run s1-fix-flaky-test failed after 0 of/,
    );
    await exporter.shutdown();
    expect(receiver.spans).toHaveLength(0);
  });
});
