import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { ok, type Result, withLibrary } from './calls.js';

/** Every tool the server offers, and which of them only read. */
export const READ_TOOLS = [
  'runs_get',
  'runs_list',
  'kv_get',
  'kv_list',
  'state_read',
  'events_read',
  'events_read_by_type',
  'events_head',
  'events_verify',
  'traces_get',
  'traces_query',
  'traces_tree',
];
export const WRITE_TOOLS = [
  'runs_create',
  'runs_update_status',
  'runs_complete',
  'runs_fail',
  'kv_put',
  'kv_delete',
  'state_init',
  'state_cas',
  'state_set',
  'events_append',
  'traces_record',
  'transaction',
];

/** What a tour wrote, for checks against the database afterwards. */
export interface TourRecord {
  run: string;
  child: string;
  /** Every tool the tour called. */
  called: Set<string>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Drives one session through every tool and every resource of the server, on run `run`, checking
 * each result. Used over stdio and over HTTP alike; the caller then checks the database itself.
 *
 * @example
 * const record = await tourEveryTool(session.client, 'tour-stdio');
 */
export async function tourEveryTool(client: Client, run: string): Promise<TourRecord> {
  const called = new Set<string>();
  const call = (name: string, args: Record<string, unknown>): Promise<Result> => {
    called.add(name);
    return ok(client, name, args);
  };

  // runs
  const created = await call('runs_create', {
    run_id: run,
    name: 'triage',
    tags: ['support', 'tour'],
    metadata: { ticket: 42 },
  });
  expect(created.run).toMatchObject({
    run_id: run,
    name: 'triage',
    status: 'active',
    tags: ['support', 'tour'],
  });
  expect(created.run.metadata).toEqual({ ticket: 42 });
  const child = (await call('runs_create', { parent_run_id: run, name: 'lookup' })).run;
  expect(child.run_id).toMatch(/^[A-Za-z0-9_-]{21}$/);
  expect(child.parent_run_id).toBe(run);
  expect(await call('runs_get', { run_id: run })).toMatchObject({ found: true, run: { run_id: run } });
  expect(await call('runs_get', { run_id: `${run}-missing` })).toEqual({ found: false });
  expect((await call('runs_list', { tag: 'tour' })).runs.map((r: Result) => r.run_id)).toEqual([run]);
  expect((await call('runs_list', { parent_run_id: run })).runs.map((r: Result) => r.run_id)).toEqual([
    child.run_id,
  ]);
  const firstPage = await call('runs_list', { tag: 'tour', limit: 1 });
  expect(firstPage.next_after).toBeTypeOf('string');
  expect((await call('runs_list', { tag: 'tour', limit: 1, after: firstPage.next_after })).runs).toEqual([]);

  // kv
  const plan = { steps: ['search', 'answer'], budget: { $bigint: '12345678901234567890' } };
  expect(await call('kv_put', { run_id: run, key: 'plan', value: plan })).toEqual({ key: 'plan' });
  expect(await call('kv_put', { run_id: run, key: 'cache:a', value: 1, ttl_ms: 3_600_000 })).toEqual({
    key: 'cache:a',
    ttl_ms: 3_600_000,
  });
  await call('kv_put', { run_id: run, key: 'cache:b', value: [true, null] });
  expect(await call('kv_get', { run_id: run, key: 'plan' })).toEqual({ found: true, value: plan });
  expect(await call('kv_get', { run_id: run, key: 'nothing' })).toEqual({ found: false });
  expect(await call('kv_list', { run_id: run, prefix: 'cache:', include_values: true })).toEqual({
    entries: [
      { key: 'cache:a', value: 1 },
      { key: 'cache:b', value: [true, null] },
    ],
  });
  const keys = await call('kv_list', { run_id: run, limit: 2 });
  expect(keys).toEqual({ entries: [{ key: 'cache:a' }, { key: 'cache:b' }], next_after: 'cache:b' });
  expect(await call('kv_list', { run_id: run, limit: 2, after: keys.next_after })).toEqual({
    entries: [{ key: 'plan' }],
  });
  expect(await call('kv_delete', { run_id: run, key: 'cache:b' })).toEqual({ key: 'cache:b', deleted: true });
  expect(await call('kv_delete', { run_id: run, key: 'cache:b' })).toEqual({
    key: 'cache:b',
    deleted: false,
  });

  // state
  expect(await call('state_init', { run_id: run, name: 'phase', value: 'plan' })).toEqual({
    name: 'phase',
    version: 1,
  });
  expect(await call('state_cas', { run_id: run, name: 'phase', expected_version: 1, value: 'act' })).toEqual({
    name: 'phase',
    version: 2,
  });
  expect(await call('state_set', { run_id: run, name: 'counter', value: 5 })).toEqual({
    name: 'counter',
    version: 1,
  });
  expect(await call('state_read', { run_id: run, name: 'phase' })).toMatchObject({
    found: true,
    value: 'act',
    version: 2,
  });
  expect(await call('state_read', { run_id: run, name: 'nothing' })).toEqual({ found: false });

  // events
  const e0 = (await call('events_append', { run_id: run, event_type: 'started', payload: { by: 'agent' } }))
    .event;
  expect(e0).toMatchObject({
    sequence: 0,
    event_type: 'started',
    payload: { by: 'agent' },
    prev_hash: '0'.repeat(64),
  });
  expect(e0.hash).toMatch(SHA256_HEX);
  const e1 = (
    await call('events_append', {
      run_id: run,
      event_type: 'tool_call',
      payload: { tool: 'search', at: { $date: '2024-01-02T03:04:05.000Z' } },
      expected_sequence: 1,
    })
  ).event;
  expect(e1).toMatchObject({ sequence: 1, prev_hash: e0.hash });
  await call('events_append', { run_id: run, event_type: 'note', payload: 'looked it up' });
  const all = await call('events_read', { run_id: run });
  expect(all.events.map((e: Result) => e.sequence)).toEqual([0, 1, 2]);
  expect(all.length).toBe(3);
  expect(all.next_start).toBeUndefined();
  expect(all.events[1].payload).toEqual({ tool: 'search', at: { $date: '2024-01-02T03:04:05.000Z' } });
  const page = await call('events_read', { run_id: run, start: 1, limit: 1 });
  expect(page.events.map((e: Result) => e.sequence)).toEqual([1]);
  expect(page.next_start).toBe(2);
  expect((await call('events_read_by_type', { run_id: run, event_type: 'tool_call' })).events).toEqual([e1]);
  const head = await call('events_head', { run_id: run });
  expect(head.length).toBe(3);
  expect(head.head.sequence).toBe(2);
  expect(await call('events_verify', { run_id: run })).toEqual({ valid: true, length: 3 });

  // traces: every trace type, a tree of them
  const root = await call('traces_record', {
    run_id: run,
    trace: { type: 'thought', content: 'search before answering', confidence: 0.8 },
    tags: ['plan'],
    trace_id: 'root-1',
  });
  expect(root).toEqual({ trace_id: 'root-1' });
  const steps = [
    {
      type: 'tool_call',
      tool_name: 'search',
      arguments: { q: 'refund policy' },
      result: ['doc-7'],
      duration_ms: 120,
    },
    { type: 'query', query_type: 'vector', query: 'refund policy', results_count: 1 },
    {
      type: 'decision',
      question: 'refund?',
      options: ['yes', 'no'],
      chosen: 'yes',
      reasoning: 'policy allows',
    },
    { type: 'error', error_type: 'timeout', message: 'crm slow', recoverable: true },
    { type: 'custom', name: 'handoff', data: { to: 'human' } },
  ];
  for (const trace of steps)
    await call('traces_record', { run_id: run, trace, parent_id: 'root-1', tags: ['step'] });
  const got = await call('traces_get', { run_id: run, trace_id: 'root-1' });
  expect(got).toMatchObject({ found: true, trace: { id: 'root-1', tags: ['plan'] } });
  expect(got.trace.trace).toEqual({ type: 'thought', content: 'search before answering', confidence: 0.8 });
  expect(await call('traces_get', { run_id: run, trace_id: 'nope' })).toEqual({ found: false });
  const toolCalls = (await call('traces_query', { run_id: run, type: 'tool_call' })).traces;
  expect(toolCalls.map((t: Result) => t.trace)).toEqual([steps[0]]);
  expect((await call('traces_query', { run_id: run, type: 'handoff' })).traces[0].trace).toEqual(steps[4]);
  expect((await call('traces_query', { run_id: run, tag: 'step' })).traces).toHaveLength(steps.length);
  expect((await call('traces_query', { run_id: run, parent_id: 'root-1' })).traces).toHaveLength(
    steps.length,
  );
  expect(
    (
      await call('traces_query', {
        run_id: run,
        start_ms: got.trace.timestamp,
        end_ms: got.trace.timestamp + 1,
      })
    ).traces
      .map((t: Result) => t.id)
      .includes('root-1'),
  ).toBe(true);
  const firstTwo = await call('traces_query', { run_id: run, limit: 2 });
  expect(firstTwo.traces).toHaveLength(2);
  const rest = await call('traces_query', { run_id: run, limit: 10, after: firstTwo.next_after });
  expect(rest.traces).toHaveLength(steps.length + 1 - 2);
  const { trees } = await call('traces_tree', { run_id: run });
  expect(trees).toHaveLength(1);
  expect(trees[0].id).toBe('root-1');
  expect(trees[0].children.map((c: Result) => c.trace)).toEqual(steps);
  expect((await call('traces_tree', { run_id: run, trace_id: 'root-1' })).trees).toEqual(trees);

  // one atomic multi-step update
  const tx = await call('transaction', {
    run_id: run,
    operations: [
      { op: 'state_cas', name: 'phase', expected_version: 2, value: 'answer' },
      { op: 'kv_put', key: 'answer', value: 'refund approved' },
      { op: 'events_append', event_type: 'decided', payload: { refund: true }, expected_sequence: 3 },
      { op: 'traces_record', trace: { type: 'thought', content: 'done' }, parent_id: 'root-1' },
    ],
  });
  expect(tx.results.map((r: Result) => r.op)).toEqual([
    'state_cas',
    'kv_put',
    'events_append',
    'traces_record',
  ]);
  expect(tx.results[0]).toEqual({ op: 'state_cas', name: 'phase', version: 3 });
  expect(tx.results[2].event).toMatchObject({ sequence: 3, event_type: 'decided' });

  // lifecycle
  expect((await call('runs_update_status', { run_id: child.run_id, status: 'paused' })).run.status).toBe(
    'paused',
  );
  expect((await call('runs_update_status', { run_id: child.run_id, status: 'active' })).run.status).toBe(
    'active',
  );
  const failed = (await call('runs_fail', { run_id: child.run_id, error: 'crm unreachable' })).run;
  expect(failed).toMatchObject({ status: 'failed', error: 'crm unreachable' });
  expect(failed.completed_at).toBeTypeOf('number');
  expect((await call('runs_complete', { run_id: run })).run.status).toBe('completed');

  // resources
  const templates = (await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
  expect(templates).toEqual([
    'agentdb://runs/{run_id}',
    'agentdb://runs/{run_id}/events',
    'agentdb://runs/{run_id}/traces',
  ]);
  const listed = (await client.listResources()).resources.map((r) => r.uri);
  for (const uri of [`agentdb://runs/${run}`, `agentdb://runs/${run}/events`, `agentdb://runs/${run}/traces`])
    expect(listed).toContain(uri);
  const read = async (uri: string) => {
    const { contents } = await client.readResource({ uri });
    expect(contents[0]).toMatchObject({ uri, mimeType: 'application/json' });
    const [content] = contents;
    return JSON.parse(content !== undefined && 'text' in content ? content.text : '') as Result;
  };
  const summary = await read(`agentdb://runs/${run}`);
  expect(summary.run).toMatchObject({ run_id: run, status: 'completed' });
  expect(summary.counts).toEqual({ events: 4, traces: steps.length + 2, state_cells: 2, kv_keys: 3 });
  const log = await read(`agentdb://runs/${run}/events`);
  expect(log).toMatchObject({ run_id: run, length: 4, valid: true, truncated: false });
  expect(log.events.map((e: Result) => e.event_type)).toEqual(['started', 'tool_call', 'note', 'decided']);
  const traceTrees = await read(`agentdb://runs/${run}/traces`);
  expect(traceTrees.trees[0].children).toHaveLength(steps.length + 1);

  return { run, child: child.run_id, called };
}

/**
 * Checks, with the library on the database directory, that what a tour wrote is stored as written.
 *
 * @example
 * await expectTourStored(dir, record);
 */
export async function expectTourStored(dir: string, { run, child }: TourRecord): Promise<void> {
  await withLibrary(dir, async (db) => {
    expect(await db.kv.get(run, 'plan')).toEqual({
      steps: ['search', 'answer'],
      budget: 12345678901234567890n,
    });
    expect(await db.kv.get(run, 'answer')).toBe('refund approved');
    expect(await db.kv.list(run)).toEqual(['answer', 'cache:a', 'plan']);
    expect(await db.state.read(run, 'phase')).toMatchObject({ value: 'answer', version: 3 });
    const events = await db.events.readRange(run, 0, 10);
    expect(events.map((e) => e.eventType)).toEqual(['started', 'tool_call', 'note', 'decided']);
    expect(events[1]!.payload).toEqual({ tool: 'search', at: new Date('2024-01-02T03:04:05.000Z') });
    expect(await db.events.verifyChain(run)).toEqual({ valid: true, length: 4 });
    expect(await db.traces.count(run)).toBe(7);
    expect((await db.traces.get(run, 'root-1'))?.traceType).toEqual({
      type: 'thought',
      content: 'search before answering',
      confidence: 0.8,
    });
    expect((await db.traces.queryByType(run, 'tool_call'))[0]?.traceType).toEqual({
      type: 'tool_call',
      toolName: 'search',
      arguments: { q: 'refund policy' },
      result: ['doc-7'],
      durationMs: 120,
    });
    expect(await db.runs.getRun(run)).toMatchObject({
      status: 'completed',
      name: 'triage',
      metadata: { ticket: 42 },
    });
    expect(await db.runs.getRun(child)).toMatchObject({
      status: 'failed',
      parentRunId: run,
      error: 'crm unreachable',
    });
    expect(await db.engine.verify()).toEqual({ ok: true, problems: [] });
  });
}
