import type { AgentDB } from '@agentdb/primitives';

/** Trace ids of `recordEveryKind`'s run, by role. */
export const RICH = {
  plan: 'plan',
  search: 'call-search',
  timeout: 'err-timeout',
  route: 'decide-route',
  lookup: 'query-docs',
  note: 'thought-note',
  custom: 'reflection',
  bare: 'call-bare',
} as const;

/**
 * Records a run holding every trace type with every optional field both set and left out, values JSON
 * cannot carry (bigint, bytes, dates, -0, NaN, ±Infinity), non-object metadata, tags and a nested tree:
 *
 *   plan (thought)
 *   ├─ call-search (tool_call) ─ err-timeout (error)
 *   ├─ decide-route (decision) ─ query-docs (query) ─ call-bare (tool_call)
 *   └─ thought-note (thought)
 *   reflection (custom, a second root)
 *
 * `tick` moves the database clock between traces (a manual clock), so timestamps differ.
 */
export async function recordEveryKind(db: AgentDB, runId: string, tick: () => void): Promise<void> {
  await db.runs.createRun({ runId, name: 'every kind', tags: ['otel'] });
  const t = db.traces;
  await t.record(
    runId,
    { type: 'thought', content: 'plan the search', confidence: 0.25 },
    { id: RICH.plan, tags: ['planning'], metadata: { model: 'm-1', temperature: 0.2 } },
  );
  tick();
  await t.recordChild(
    runId,
    RICH.plan,
    {
      type: 'tool_call',
      toolName: 'search',
      arguments: {
        q: 'lmdb',
        limit: 10n,
        since: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)),
        raw: Uint8Array.of(0, 1, 254, 255),
        weights: [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1.5],
        'dotted.key': { nested: 2n ** 70n },
      },
      result: ['doc-1', { score: 0.9, at: new Date(0) }, null],
      durationMs: 12.5,
    },
    { id: RICH.search, tags: ['tools', 'research'], metadata: 'cache miss' },
  );
  tick();
  await t.recordChild(
    runId,
    RICH.search,
    { type: 'error', errorType: 'Timeout', message: 'search took 12.5 ms', recoverable: true },
    { id: RICH.timeout, tags: ['tools'] },
  );
  tick();
  await t.recordChild(
    runId,
    RICH.plan,
    {
      type: 'decision',
      question: 'which source?',
      options: ['docs', 'code', ''],
      chosen: 'docs',
      reasoning: 'docs are newer',
    },
    { id: RICH.route, metadata: [1, 'two', null] },
  );
  tick();
  await t.recordChild(
    runId,
    RICH.route,
    { type: 'query', queryType: 'vector', query: 'lmdb transactions', resultsCount: 3 },
    { id: RICH.lookup },
  );
  tick();
  await t.recordChild(
    runId,
    RICH.lookup,
    { type: 'tool_call', toolName: 'read', arguments: null },
    { id: RICH.bare, metadata: null },
  );
  tick();
  await t.recordChild(runId, RICH.plan, { type: 'thought', content: '' }, { id: RICH.note });
  tick();
  await t.record(
    runId,
    { type: 'custom', name: 'reflection', data: { ok: true, steps: [1, 2, 3], note: 'fine' } },
    { id: RICH.custom, tags: ['review'] },
  );
  // A decision without reasoning and a query without a count, under the second root.
  tick();
  await t.recordChild(
    runId,
    RICH.custom,
    { type: 'decision', question: 'again?', options: [], chosen: 'no' },
    { id: 'decide-again' },
  );
  tick();
  await t.recordChild(
    runId,
    'decide-again',
    { type: 'query', queryType: 'sql', query: '' },
    { id: 'query-empty' },
  );
}
