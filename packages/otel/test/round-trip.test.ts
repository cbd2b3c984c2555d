import { manualClock } from '@agentdb/engine/testing';
import type { AgentDB } from '@agentdb/primitives';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentDBSpanExporter, runSpans } from '../src/index.js';
import {
  DEMO_FAILED_RUN,
  DEMO_RUN,
  demoDatabase,
  disposeDatabases,
  forest,
  openDatabase,
} from './helpers/database.js';
import { agentSession } from './helpers/genai-spans.js';
import { recordEveryKind } from './helpers/runs.js';

afterEach(disposeDatabases);

const RUN = 'rich-run';

/** Hands `spans` to the exporter in `batches` export calls; resolves with each call's result. */
async function exportIn(
  exporter: AgentDBSpanExporter,
  spans: ReadableSpan[],
  batch: number,
): Promise<ExportResult[]> {
  const results: Promise<ExportResult>[] = [];
  for (let i = 0; i < spans.length; i += batch) {
    results.push(new Promise((resolve) => exporter.export(spans.slice(i, i + batch), resolve)));
  }
  return Promise.all(results);
}

async function richDatabase(): Promise<AgentDB> {
  const clock = manualClock();
  const db = await openDatabase({ clock });
  await recordEveryKind(db, RUN, () => clock.advance(7));
  return db;
}

describe('traces → spans → AgentDBSpanExporter → traces', () => {
  const orders: { name: string; arrange: (spans: ReadableSpan[]) => ReadableSpan[]; batch: number }[] = [
    { name: 'in one export', arrange: (s) => s, batch: Number.MAX_SAFE_INTEGER },
    { name: 'one span per export, children first', arrange: (s) => [...s].reverse(), batch: 1 },
    { name: 'in batches of 3, parents first (parents found in the store)', arrange: (s) => s, batch: 3 },
    { name: 'in batches of 2, children first', arrange: (s) => [...s].reverse(), batch: 2 },
  ];

  it.each(orders)(
    'gives the same trees, types, fields, tags and metadata: $name',
    async ({ arrange, batch }) => {
      const db = await richDatabase();
      const copy = await openDatabase();
      const exporter = new AgentDBSpanExporter(copy);
      const results = await exportIn(exporter, arrange(await runSpans(db, RUN)), batch);
      expect(results.every((r) => r.code === 0)).toBe(true);
      expect(exporter.pendingSpans).toBe(0);
      expect(await forest(copy, RUN)).toEqual(await forest(db, RUN));
      expect(await copy.traces.count(RUN)).toBe(await db.traces.count(RUN));
    },
  );

  it('restores values JSON cannot carry bit for bit (bigint, bytes, dates, -0, NaN, ±Infinity)', async () => {
    const db = await richDatabase();
    const copy = await openDatabase();
    await exportIn(new AgentDBSpanExporter(copy), await runSpans(db, RUN), 100);
    const call = await copy.traces.get(RUN, 'call-search');
    if (call?.traceType.type !== 'tool_call')
      throw new Error(`expected a tool call, got ${call?.traceType.type}`);
    const args = call.traceType.arguments as Record<string, unknown>;
    expect(args.limit).toBe(10n);
    expect(args.raw).toEqual(Uint8Array.of(0, 1, 254, 255));
    expect(args.since).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
    expect(Object.is((args.weights as number[])[0], -0)).toBe(true);
    expect((args.weights as number[]).slice(1)).toEqual([
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1.5,
    ]);
    expect(args['dotted.key']).toEqual({ nested: 2n ** 70n });
    expect(call?.metadata).toBe('cache miss');
  });

  it.each([DEMO_RUN, DEMO_FAILED_RUN])('round-trips the demo run %s', async (run) => {
    const db = await demoDatabase();
    const copy = await openDatabase();
    await exportIn(new AgentDBSpanExporter(copy), [...(await runSpans(db, run))].reverse(), 1);
    expect(await forest(copy, run)).toEqual(await forest(db, run));
  });

  it('indexes the copy like the original: by type, tag and parent', async () => {
    const db = await richDatabase();
    const copy = await openDatabase();
    await exportIn(new AgentDBSpanExporter(copy), await runSpans(db, RUN), 4);
    for (const type of ['tool_call', 'decision', 'query', 'thought', 'error', 'reflection']) {
      const ids = async (d: AgentDB) => (await d.traces.queryByType(RUN, type)).map((t) => t.id).sort();
      expect(await ids(copy)).toEqual(await ids(db));
    }
    for (const tag of ['planning', 'tools', 'research', 'review']) {
      const ids = async (d: AgentDB) => (await d.traces.queryByTag(RUN, tag)).map((t) => t.id).sort();
      expect(await ids(copy)).toEqual(await ids(db));
    }
  });
});

describe('spans → AgentDBSpanExporter → traces → spans', () => {
  it('gives back the spans’ names, tree, exact times, kinds, statuses and tool attributes', async () => {
    const db = await openDatabase();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'agentdb.run.id': 'turn' }),
      spanProcessors: [new SimpleSpanProcessor(new AgentDBSpanExporter(db))],
    });
    const session = agentSession(provider.getTracer('ai-sdk'));
    await provider.shutdown();
    const originals = Object.values(session) as unknown as ReadableSpan[];

    const exported = await runSpans(db, 'turn');
    expect(exported).toHaveLength(originals.length);
    // Imported traces keep their span id as trace id, so each exported span names its original.
    const byOriginal = new Map(exported.map((s) => [s.attributes['agentdb.trace.id'], s]));
    for (const original of originals) {
      const back = byOriginal.get(original.spanContext().spanId)!;
      expect(back.name).toBe(original.name);
      expect(back.startTime).toEqual(original.startTime);
      expect(back.endTime).toEqual(original.endTime);
      expect(back.kind).toBe(original.kind);
      expect(back.status).toEqual(original.status);
      const parent = original.parentSpanContext?.spanId;
      expect(back.attributes['agentdb.parent.id']).toBe(parent);
      for (const key of ['gen_ai.tool.name', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result']) {
        if (original.attributes[key] !== undefined && original.attributes[key] !== '14:00') {
          expect(back.attributes[key]).toBe(original.attributes[key]);
        }
      }
    }
  });
});
