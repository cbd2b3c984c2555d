import type { AgentDB, Trace } from '@agentdb/primitives';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentDBSpanExporter } from '../src/index.js';
import { nanosOf } from '../src/span-time.js';
import { disposeDatabases, openDatabase } from './helpers/database.js';
import { agentSession, at, type SessionSpans } from './helpers/genai-spans.js';

const RUN = 'weather-chat';

afterEach(disposeDatabases);

const processors: { name: string; make: (e: SpanExporter) => SpanProcessor }[] = [
  {
    name: 'SimpleSpanProcessor (one export per span, children first)',
    make: (e) => new SimpleSpanProcessor(e),
  },
  {
    name: 'BatchSpanProcessor (batches of 2, parents in later batches)',
    make: (e) => new BatchSpanProcessor(e, { maxExportBatchSize: 2, scheduledDelayMillis: 60_000 }),
  },
];

/** A provider whose resource names the run, exporting through `exporter`. */
function provider(make: (e: SpanExporter) => SpanProcessor, exporter: SpanExporter): BasicTracerProvider {
  return new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'weather-agent', 'agentdb.run.id': RUN }),
    spanProcessors: [make(exporter)],
  });
}

/** Passes exports through to `exporter`, noting each batch's size and how many spans waited after it. */
function observed(exporter: AgentDBSpanExporter) {
  const log: { batch: number; waiting: number }[] = [];
  const wrapper: SpanExporter = {
    export: (spans, done) =>
      exporter.export(spans, (result) => {
        log.push({ batch: spans.length, waiting: exporter.pendingSpans });
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush(),
  };
  return { wrapper, log };
}

const idOf = (span: SessionSpans[keyof SessionSpans]) => span.spanContext().spanId;
const ids = (traces: Trace[]) => traces.map((t) => t.id).sort();

describe.each(processors)('AgentDBSpanExporter behind a $name', ({ make }) => {
  it('records the GenAI spans of an agent turn as one trace tree, with every index', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const { wrapper, log } = observed(exporter);
    const p = provider(make, wrapper);
    const s = agentSession(p.getTracer('ai-sdk', '5.0.0'));
    await p.forceFlush();
    expect(exporter.pendingSpans).toBe(0);
    // Children ended (and were exported) before their parents: they waited, then came in with them.
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...log.map((l) => l.waiting))).toBeGreaterThan(0);
    expect(log.reduce((n, l) => n + l.batch, 0)).toBe(5);

    expect(await db.traces.count(RUN)).toBe(5);
    const roots = await db.traces.getRoots(RUN);
    expect(ids(roots)).toEqual([idOf(s.agent)]);
    expect(ids(await db.traces.getChildren(RUN, idOf(s.agent)))).toEqual(
      [idOf(s.chat), idOf(s.weather), idOf(s.time)].sort(),
    );
    expect(ids(await db.traces.getChildren(RUN, idOf(s.weather)))).toEqual([idOf(s.http)]);
    expect(ids(await db.traces.queryByType(RUN, 'tool_call'))).toEqual(
      [idOf(s.weather), idOf(s.http), idOf(s.time)].sort(),
    );
    expect(ids(await db.traces.queryByType(RUN, 'invoke_agent weather-agent'))).toEqual([idOf(s.agent)]);
    expect(ids(await db.traces.queryByType(RUN, 'chat gpt-4o'))).toEqual([idOf(s.chat)]);
    const tree = await db.traces.getTree(RUN, idOf(s.agent));
    expect(tree?.children.map((c) => c.trace.id).sort()).toEqual(
      [idOf(s.chat), idOf(s.weather), idOf(s.time)].sort(),
    );
    await p.shutdown();
  });

  it('maps execute_tool spans to tool calls with parsed arguments, results and exact durations', async () => {
    const db = await openDatabase();
    const p = provider(make, new AgentDBSpanExporter(db));
    const s = agentSession(p.getTracer('ai-sdk'));
    await p.shutdown();

    const weather = await db.traces.get(RUN, idOf(s.weather));
    expect(weather?.parentId).toBe(idOf(s.agent));
    expect(weather?.traceType).toEqual({
      type: 'tool_call',
      toolName: 'get_weather',
      arguments: { city: 'Paris' },
      result: { temp: 21, unit: 'C' },
      durationMs: 250,
    });
    expect(weather?.tags).toEqual([]);
    expect(weather?.metadata).toEqual({
      otel: {
        traceId: s.weather.spanContext().traceId,
        spanId: idOf(s.weather),
        parentSpanId: idOf(s.agent),
        name: 'execute_tool get_weather',
        kind: 'INTERNAL',
        startTimeUnixNano: nanosOf(at(210)),
        endTimeUnixNano: nanosOf(at(460)),
        service: 'weather-agent',
        scope: { name: 'ai-sdk' },
        // What the tool_call fields do not hold stays with the span's origin.
        attributes: { 'gen_ai.tool.call.id': 'call_1', 'gen_ai.tool.type': 'function' },
      },
    });
    // No gen_ai.tool.name: the name comes from the span name; a result that is not JSON stays a string.
    expect((await db.traces.get(RUN, idOf(s.http)))?.traceType).toEqual({
      type: 'tool_call',
      toolName: 'http_get',
      arguments: { url: 'https://weather.example/paris' },
      durationMs: 180,
    });
    expect((await db.traces.get(RUN, idOf(s.time)))?.traceType).toMatchObject({
      result: '14:00',
      durationMs: 10,
    });
  });

  it('keeps a failed span’s status and exception event, and any other span as a custom trace', async () => {
    const db = await openDatabase();
    const p = provider(make, new AgentDBSpanExporter(db));
    const s = agentSession(p.getTracer('ai-sdk'));
    await p.shutdown();

    const http = await db.traces.get(RUN, idOf(s.http));
    expect(http?.metadata).toMatchObject({
      otel: {
        status: { code: 'ERROR', message: 'connection reset' },
        events: [
          {
            name: 'exception',
            timeUnixNano: nanosOf(at(399)),
            attributes: { 'exception.type': 'FetchError', 'exception.message': 'connection reset' },
          },
        ],
      },
    });
    const chat = await db.traces.get(RUN, idOf(s.chat));
    expect(chat?.traceType).toEqual({
      type: 'custom',
      name: 'chat gpt-4o',
      data: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 412,
        'gen_ai.response.finish_reasons': ['tool_calls'],
      },
    });
    expect(chat?.metadata).toMatchObject({ otel: { kind: 'CLIENT', startTimeUnixNano: nanosOf(at(10)) } });
  });
});

describe('choosing the run', () => {
  async function record(exporter: AgentDBSpanExporter, db: AgentDB, attributes: Record<string, string>) {
    const p = new BasicTracerProvider({
      resource: resourceFromAttributes(attributes),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = p.getTracer('t');
    tracer.startSpan('a', { attributes: { 'agentdb.run.id': 'from-span' } }).end();
    tracer.startSpan('b').end();
    await p.shutdown();
    return db;
  }

  it('takes the span attribute first, then the resource attribute', async () => {
    const db = await openDatabase();
    await record(new AgentDBSpanExporter(db), db, { 'agentdb.run.id': 'from-resource' });
    expect((await db.traces.list('from-span')).map((t) => t.traceType)).toMatchObject([{ name: 'a' }]);
    expect((await db.traces.list('from-resource')).map((t) => t.traceType)).toMatchObject([{ name: 'b' }]);
  });

  it('reads the attribute named by runAttribute', async () => {
    const db = await openDatabase();
    await record(new AgentDBSpanExporter(db, { runAttribute: 'session.id' }), db, {
      'session.id': 'session-7',
    });
    expect(await db.traces.count('session-7')).toBe(2);
  });

  it('puts every span under a fixed runId, whatever its attributes', async () => {
    const db = await openDatabase();
    await record(new AgentDBSpanExporter(db, { runId: 'fixed' }), db, { 'agentdb.run.id': 'from-resource' });
    expect(await db.traces.count('fixed')).toBe(2);
    expect(await db.traces.count('from-span')).toBe(0);
  });
});
