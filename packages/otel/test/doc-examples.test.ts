import { join } from 'node:path';
import { AgentDB } from '@agentdb/primitives';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { AgentDBSpanExporter, runSpans } from '../src/index.js';
import { startOtlpReceiver } from './helpers/otlp-receiver.js';

const COLLECTOR = 'http://localhost:4318/v1/traces';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh AgentDB
// whose run `triage-1` holds a thought `01-plan` with a tool call `search` under it. The collector the
// examples name is a local OTLP receiver started for each example.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['AgentDBSpanExporter', 'exportRun', 'runSpans'],
    '../src/span-placement.js': ['SpanItem'],
    '@agentdb/primitives': ['AgentDB', 'Trace'],
    '@opentelemetry/core': ['ExportResultCode'],
    '@opentelemetry/api': ['HrTime'],
    '@opentelemetry/sdk-trace-base': ['BasicTracerProvider', 'BatchSpanProcessor', 'ReadableSpan'],
    '@opentelemetry/exporter-trace-otlp-proto': ['OTLPTraceExporter'],
  },
  fixtureType: `{
    db: AgentDB; provider: BasicTracerProvider; exporter: AgentDBSpanExporter; spans: ReadableSpan[];
    span: ReadableSpan; trace: Trace; start: HrTime; items: SpanItem[];
    storedParent: (runId: string, ids: string[]) => Promise<string | undefined>; collectorUrl: string
  }`,
  seeds: {
    // The README opens the database of an agent that already recorded run triage-1.
    'README.md "### Out: a run to a collector"': async () => {
      const db = await AgentDB.open({ path: './agent-data' });
      await db.traces.record('triage-1', { type: 'thought', content: 'plan' });
      await db.close();
    },
  },
  rewrite: (code) => code.replaceAll(`'${COLLECTOR}'`, 'collectorUrl'),
  async open() {
    const db = await AgentDB.open();
    await db.runs.createRun({ runId: 'triage-1' });
    const plan = await db.traces.record('triage-1', { type: 'thought', content: 'plan' }, { id: '01-plan' });
    await db.traces.recordChild(
      'triage-1',
      plan,
      { type: 'tool_call', toolName: 'search', arguments: { q: 'x' }, durationMs: 12 },
      { id: 'search' },
    );
    const exporter = new AgentDBSpanExporter(db, { runId: 'triage-1' });
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)] });
    const spans = await runSpans(db, 'triage-1');
    const span = spans.find((s) => s.name.startsWith('execute_tool'))!;
    const trace = (await db.traces.get('triage-1', 'search'))!;
    const receiver = await startOtlpReceiver();
    return {
      fixtures: {
        db,
        provider,
        exporter,
        spans,
        span,
        trace,
        start: span.startTime,
        items: [],
        storedParent: async () => undefined,
        collectorUrl: receiver.url,
      },
      async dispose() {
        await provider.shutdown();
        await receiver.close();
        await db.close();
      },
    };
  },
});
