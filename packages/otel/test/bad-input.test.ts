import { type AgentDB, isAgentDBError, runRange } from '@agentdb/primitives';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentDBSpanExporter, exportRun, runSpans } from '../src/index.js';
import { disposeDatabases, openDatabase } from './helpers/database.js';
import { exportBatch, SpanFactory } from './helpers/spans.js';

afterEach(disposeDatabases);

const RUN = 'run-1';
const under = (parent: { spanContext(): import('@opentelemetry/api').SpanContext }) =>
  trace.setSpanContext(ROOT_CONTEXT, parent.spanContext());

function expectFailure(result: { code: ExportResultCode; error?: Error }, code: string, text: RegExp): void {
  expect(result.code).toBe(ExportResultCode.FAILED);
  expect(isAgentDBError(result.error, code as never), String(result.error)).toBe(true);
  expect(result.error?.message).toMatch(text);
}

/** How many keys the database holds under `runId` (records, indices, counter): 0 after a failed export. */
async function keysOf(db: AgentDB, runId: string): Promise<number> {
  let n = 0;
  for await (const _ of db.engine.scan(runRange(runId))) n++;
  return n;
}

describe('spans whose parent is unknown', () => {
  it('wait for a parent that has not been exported; shutdown records them as roots keeping the parent id', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    const parent = spans.open('agent');
    const child = spans.ended(
      'execute_tool t',
      { attributes: { 'gen_ai.operation.name': 'execute_tool' } },
      under(parent),
    );
    expect((await exportBatch(exporter, [child])).code).toBe(ExportResultCode.SUCCESS);
    expect(exporter.pendingSpans).toBe(1);
    await exporter.forceFlush();
    expect(await keysOf(db, RUN)).toBe(0);

    await exporter.shutdown();
    expect(exporter.pendingSpans).toBe(0);
    const [root] = await db.traces.getRoots(RUN);
    expect(root?.id).toBe(child.spanContext().spanId);
    expect(root?.metadata).toMatchObject({ otel: { parentSpanId: parent.spanContext().spanId } });
  });

  it('are recorded under their parent when it comes in a later export', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    const parent = spans.open('agent');
    const child = spans.ended('step', {}, under(parent));
    const grandchild = spans.ended('sub-step', {}, under(child));
    await exportBatch(exporter, [grandchild]);
    await exportBatch(exporter, [spans.ended('unrelated')]);
    await exportBatch(exporter, [child]);
    expect(exporter.pendingSpans).toBe(2);
    (parent as unknown as { end(): void }).end();
    expect((await exportBatch(exporter, [parent])).code).toBe(ExportResultCode.SUCCESS);
    expect(exporter.pendingSpans).toBe(0);
    const tree = await db.traces.getTree(RUN, parent.spanContext().spanId);
    expect(tree?.children.map((c) => c.trace.id)).toEqual([child.spanContext().spanId]);
    expect(tree?.children[0]?.children.map((c) => c.trace.id)).toEqual([grandchild.spanContext().spanId]);
  });

  it('with a remote parent (another process) are recorded at once as roots', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const remote = { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), traceFlags: 1, isRemote: true };
    const span = new SpanFactory().ended('handler', {}, trace.setSpanContext(ROOT_CONTEXT, remote));
    await exportBatch(exporter, [span]);
    expect(exporter.pendingSpans).toBe(0);
    expect((await db.traces.getRoots(RUN)).map((t) => t.metadata)).toMatchObject([
      { otel: { traceId: remote.traceId, parentSpanId: remote.spanId } },
    ]);
  });

  it('past maxPendingSpans, the span that waited longest is recorded as a root', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db, { maxPendingSpans: 2 });
    const spans = new SpanFactory();
    const orphans = ['a', 'b', 'c'].map((name) => spans.ended(name, {}, under(spans.open(`parent-${name}`))));
    for (const orphan of orphans) await exportBatch(exporter, [orphan]);
    expect(exporter.pendingSpans).toBe(2);
    expect((await db.traces.list(RUN)).map((t) => t.id)).toEqual([orphans[0]!.spanContext().spanId]);
  });
});

describe('spans without an end time', () => {
  it('are recorded without a duration and exported as zero-length spans', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const open = new SpanFactory().open('execute_tool slow', {
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'slow' },
    });
    expect(open.ended).toBe(false);
    expect((await exportBatch(exporter, [open])).code).toBe(ExportResultCode.SUCCESS);
    const [t] = await db.traces.list(RUN);
    expect(t?.traceType).toEqual({ type: 'tool_call', toolName: 'slow', arguments: null });
    expect(t?.metadata).not.toHaveProperty('otel.endTimeUnixNano');
    const [span] = await runSpans(db, RUN);
    expect(span?.startTime).toEqual(open.startTime);
    expect(span?.endTime).toEqual(open.startTime);
  });
});

describe('failed exports write nothing and report why', () => {
  it('a huge attribute value fails the whole batch with INVALID_VALUE naming the span', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    const batch = [
      spans.ended('fine-1'),
      spans.ended('huge', { attributes: { blob: 'x'.repeat(17 * 1024 * 1024) } }),
      spans.ended('fine-2'),
    ];
    expectFailure(
      await exportBatch(exporter, batch),
      'INVALID_VALUE',
      /span "huge" \(span id [0-9a-f]{16}\): .*limit/,
    );
    expect(await keysOf(db, RUN)).toBe(0);
    // The exporter goes on working.
    expect((await exportBatch(exporter, [spans.ended('after')])).code).toBe(ExportResultCode.SUCCESS);
    expect(await db.traces.count(RUN)).toBe(1);
  });

  it('an invalid run id fails the batch with INVALID_ARGUMENT naming the span and the id', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    const batch = [
      spans.ended('good'),
      spans.ended('bad', { attributes: { 'agentdb.run.id': 'not a run!' } }),
    ];
    expectFailure(
      await exportBatch(exporter, batch),
      'INVALID_ARGUMENT',
      /span "bad".*run id "not a run!" is invalid/,
    );
    expect(await keysOf(db, RUN)).toBe(0);
  });

  it('a span without a run attribute fails the batch, saying how to name the run', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db, { runAttribute: 'session.id' });
    expectFailure(
      await exportBatch(exporter, [new SpanFactory().ended('x')]),
      'INVALID_ARGUMENT',
      /no session\.id attribute on the span or its resource/,
    );
  });

  it('exporting the same span twice fails the second time with ALREADY_EXISTS; the first stays', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const span = new SpanFactory().ended('once');
    expect((await exportBatch(exporter, [span])).code).toBe(ExportResultCode.SUCCESS);
    expectFailure(await exportBatch(exporter, [span]), 'ALREADY_EXISTS', /span "once"/);
    expect(await db.traces.count(RUN)).toBe(1);
  });

  it.each([
    [{ 'agentdb.trace.type': 'bogus' }, /agentdb\.trace\.type "bogus" is not a trace type/],
    [
      { 'agentdb.trace.type': 'thought', 'agentdb.thought.content': 'x', 'agentdb.trace.metadata': '{nope' },
      /agentdb\.trace\.metadata is not valid JSON/,
    ],
    [
      { 'agentdb.trace.type': 'thought', 'agentdb.thought.content': 'x', 'agentdb.trace.id': 'bad id!' },
      /agentdb\.trace\.id "bad id!" is not a valid trace id/,
    ],
    [
      { 'agentdb.trace.type': 'tool_call', 'gen_ai.tool.call.arguments': '{}' },
      /traceType\.toolName is required/,
    ],
    [
      { 'agentdb.trace.type': 'thought', 'agentdb.thought.content': 'x', 'agentdb.thought.confidence': 2 },
      /confidence must be a number from 0 to 1/,
    ],
    [
      { 'agentdb.trace.type': 'thought', 'agentdb.thought.content': 5 },
      /attribute agentdb\.thought\.content must be a string, got number/,
    ],
    [
      { 'agentdb.trace.type': 'thought', 'agentdb.thought.content': 'x', 'agentdb.value_types': '[1]' },
      /attribute agentdb\.value_types must be a JSON object/,
    ],
  ])('agentdb.* attributes that do not describe a trace fail the batch: %o', async (attributes, text) => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    expectFailure(
      await exportBatch(exporter, [spans.ended('ok'), spans.ended('odd', { attributes })]),
      'INVALID_ARGUMENT',
      text,
    );
    expect(await keysOf(db, RUN)).toBe(0);
  });

  it('a failed batch leaves spans that wait for its parent waiting, to be recorded as roots at shutdown', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    const parent = spans.open('agent', { attributes: { blob: 'x'.repeat(17 * 1024 * 1024) } });
    await exportBatch(exporter, [spans.ended('step', {}, under(parent))]);
    (parent as unknown as { end(): void }).end();
    expect((await exportBatch(exporter, [parent])).code).toBe(ExportResultCode.FAILED);
    expect(exporter.pendingSpans).toBe(1);
    expect(await keysOf(db, RUN)).toBe(0);
    await exporter.shutdown();
    expect((await db.traces.getRoots(RUN)).map((t) => t.traceType)).toMatchObject([{ name: 'step' }]);
  });

  it('a result callback that throws is logged, not left as an unhandled rejection', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    exporter.export([spans.ended('first')], () => {
      throw new Error('callback bug');
    });
    await exporter.forceFlush();
    // Vitest fails a test that leaves an unhandled rejection; the exporter also goes on working.
    expect((await exportBatch(exporter, [spans.ended('second')])).code).toBe(ExportResultCode.SUCCESS);
    expect(await db.traces.count(RUN)).toBe(2);
  });

  it('after shutdown, or once the database is closed, exports fail with CLOSED', async () => {
    const db = await openDatabase();
    const exporter = new AgentDBSpanExporter(db);
    const spans = new SpanFactory();
    await exporter.shutdown();
    await exporter.shutdown(); // idempotent
    expectFailure(await exportBatch(exporter, [spans.ended('late')]), 'CLOSED', /shut down/);

    const other = await openDatabase();
    const live = new AgentDBSpanExporter(other);
    await other.close();
    expectFailure(await exportBatch(live, [spans.ended('late')]), 'CLOSED', /span "late"|closed/i);
  });
});

describe('span names that are not usable trace names', () => {
  // The first two columns are the title's: a 300-character name is described, not printed.
  it.each([
    ['"thought"', '"span:thought"', 'thought', 'span:thought'],
    ['""', '"span"', '', 'span'],
    ['"\\u0001start"', '"\\uFFFDstart"', '\u0001start', '\uFFFDstart'],
    [
      '"lone \\ud800 surrogate"',
      '"lone \\uFFFD surrogate"',
      'lone \ud800 surrogate',
      'lone \uFFFD surrogate',
    ],
    ['300 × "é"', 'its first 256 characters', 'é'.repeat(300), 'é'.repeat(256)],
  ])(
    '%s becomes the custom trace name %s, the span name kept in metadata (well-formed)',
    async (_name, _expected, name, expected) => {
      const db = await openDatabase();
      await exportBatch(new AgentDBSpanExporter(db), [new SpanFactory().ended(name)]);
      const [t] = await db.traces.list(RUN);
      expect(t?.traceType).toMatchObject({ type: 'custom', name: expected });
      expect(t?.metadata).toMatchObject({ otel: { name: name.toWellFormed() } });
    },
  );
});

describe('bad arguments', () => {
  it('AgentDBSpanExporter refuses bad options at construction with INVALID_ARGUMENT', async () => {
    const db = await openDatabase();
    const bad: unknown[] = [
      { runId: 'bad id!' },
      { runId: 'a', runAttribute: 'b' },
      { runAttribute: '' },
      { maxPendingSpans: -1 },
      { maxPendingSpans: 1.5 },
      { runid: 'typo' },
      null,
    ];
    for (const options of bad) {
      expect(() => new AgentDBSpanExporter(db, options as never), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    expect(() => new AgentDBSpanExporter({} as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('exportRun refuses bad runs, exporters and options before exporting anything', async () => {
    const db = await openDatabase();
    await db.runs.createRun({ runId: 'empty' });
    const exporter = new InMemorySpanExporter();
    const rejects = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ code });
    await rejects(exportRun(db, 'bad run!', exporter), 'INVALID_ARGUMENT');
    await rejects(exportRun(db, 'nobody', exporter), 'NOT_FOUND');
    await rejects(exportRun(db, 'empty', {} as never), 'INVALID_ARGUMENT');
    await rejects(exportRun(db, 'empty', exporter, { batchSize: 0 }), 'INVALID_ARGUMENT');
    await rejects(exportRun(db, 'empty', exporter, { batchSize: 1.5 }), 'INVALID_ARGUMENT');
    await rejects(exportRun(db, 'empty', exporter, { resource: {} as never }), 'INVALID_ARGUMENT');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
    // A run with a record and no traces exports nothing, successfully.
    expect(
      await exportRun(db, 'empty', exporter, { resource: resourceFromAttributes({ a: 1 }) }),
    ).toMatchObject({
      spans: 0,
    });
  });
});
