import { tempDir } from '@agentdb/engine/testing';
import { AgentDB, type Event, Key, type MutationHandle } from '@agentdb/primitives';

/**
 * A database directory filled the way an agent fills one: a parent run with two child runs, a
 * paused run, an archived run and a run with data but no run record; events from a tool loop
 * (payloads with bigint, bytes, dates, -0 and NaN), KV memory with a live and an expired TTL entry,
 * state cells moved by set/cas/transition/delete, and a trace tree with tags — some of it written in
 * cross-primitive transactions. The database is closed when this resolves.
 */
export interface Fixture {
  dir: string;
  /** The run with everything in it. */
  main: string;
  /** When the fixture's live TTL entry expires (ms). */
  liveExpiry: number;
}

export const RUN = {
  main: 'triage-1',
  childDone: 'triage-1-a',
  childFailed: 'triage-1-b',
  paused: 'nightly',
  archived: 'old-run',
  unindexed: 'scratch',
} as const;

export const TOOL_PAYLOAD = {
  tool: 'search',
  query: 'weather in Lyon',
  big: 2n ** 70n,
  raw: new Uint8Array([0, 1, 2, 250, 255]),
  at: new Date('2024-05-01T12:00:00.000Z'),
  negZero: -0,
  nan: Number.NaN,
  nested: { $bigint: 'not a tag', list: [1, 'two', null, true] },
};

export async function buildFixture(dir = tempDir('agentdb-cli-')): Promise<Fixture> {
  const db = await AgentDB.open({ path: dir, sweepIntervalMs: 0 });
  try {
    const main = RUN.main;
    await db.runs.createRun({
      runId: main,
      name: 'Triage inbox',
      tags: ['prod', 'eval'],
      metadata: { model: 'm-1', budget: 10n },
    });
    await db.runs.createRun({ runId: RUN.childDone, parentRunId: main, tags: ['prod'] });
    await db.runs.createRun({ runId: RUN.childFailed, parentRunId: main, name: 'Retry' });
    await db.runs.createRun({ runId: RUN.paused, tags: ['batch'] });
    await db.runs.createRun({ runId: RUN.archived });

    // KV memory: a plan, a tool result with every special value, a live and an expired cache entry.
    await db.kv.put(main, 'plan', ['search', 'summarise', 'answer']);
    await db.kv.put(main, 'tool:search:1', TOOL_PAYLOAD);
    await db.kv.put(main, 'cache:weather', { temp: 21.5, unit: 'C' }, { ttlMs: 3_600_000 });
    const liveExpiry = (await db.engine.getEntry(Key.kv(main, 'cache:weather')))!.expiresAt!;
    // An entry that has expired by the time any command reads it (TTL never runs backwards, so it is
    // written with a tiny TTL rather than on a clock moved back).
    await db.kv.put(main, 'cache:stale', 'old', { ttlMs: 1 });
    await new Promise((resolve) => setTimeout(resolve, 5));

    // State: a phase moved by set and cas, a counter moved by transitions, a leader deleted and re-made.
    await db.state.init(main, 'phase', 'planning');
    await db.state.set(main, 'phase', 'acting');
    await db.state.cas(main, 'phase', 2, 'answering');
    for (let i = 0; i < 4; i++)
      await db.state.transitionOrInit(main, 'counter', 0, (s) => ({ value: (s.value as number) + 1 }));
    await db.state.set(main, 'leader', 'agent-1');
    await db.state.delete(main, 'leader');
    await db.state.set(main, 'leader', 'agent-2');

    // Traces: a plan with a tool call (which failed once) and a decision; a retrieval root; a custom step.
    await db.traces.record(
      main,
      { type: 'thought', content: 'search the weather first', confidence: 0.8 },
      {
        id: 'plan-1',
        tags: ['planning'],
        metadata: { model: 'm-1' },
      },
    );
    await db.traces.recordChild(
      main,
      'plan-1',
      {
        type: 'tool_call',
        toolName: 'search',
        arguments: { q: 'weather Lyon' },
        result: ['21.5C'],
        durationMs: 120,
      },
      { id: 'call-1', tags: ['tools'] },
    );
    await db.traces.recordChild(
      main,
      'call-1',
      { type: 'error', errorType: 'Timeout', message: 'first attempt slow', recoverable: true },
      { id: 'err-1' },
    );
    await db.traces.recordChild(
      main,
      'plan-1',
      {
        type: 'decision',
        question: 'answer now?',
        options: ['yes', 'no'],
        chosen: 'yes',
        reasoning: 'enough data',
      },
      { id: 'dec-1' },
    );
    await db.traces.record(
      main,
      { type: 'query', queryType: 'vector', query: 'lyon climate', resultsCount: 3 },
      { id: 'q-1', tags: ['tools', 'retrieval'] },
    );
    await db.traces.record(
      main,
      { type: 'custom', name: 'reflection', data: { ok: true } },
      { id: 'refl-1' },
    );

    // Events: a tool loop, each step one cross-primitive transaction (event + KV + state).
    const pending: MutationHandle<Event>[] = [];
    await db.events.append(main, 'run_started', { goal: 'weather answer', at: new Date(0) });
    for (let step = 0; step < 4; step++) {
      await db.transaction(main, async (tx) => {
        pending.push(tx.events.append('tool_call', { step, ...TOOL_PAYLOAD }));
        pending.push(
          tx.events.append('tool_result', { step, ok: step !== 1, bytes: new Uint8Array([step]) }),
        );
        await tx.kv.put(`step:${step}`, { done: true });
        await tx.state.set('last-step', step);
      });
    }
    await Promise.all(pending);
    await db.events.append(main, 'answer', { text: 'It is 21.5C in Lyon.' });

    // The children and the other runs.
    for (const type of ['run_started', 'tool_call', 'run_completed'])
      await db.events.append(RUN.childDone, type, { by: RUN.childDone });
    await db.kv.put(RUN.childDone, 'summary', 'done');
    await db.runs.completeRun(RUN.childDone);
    await db.events.append(RUN.childFailed, 'run_started', {});
    await db.traces.record(RUN.childFailed, {
      type: 'error',
      errorType: 'Timeout',
      message: 'tool timed out',
      recoverable: false,
    });
    await db.runs.failRun(RUN.childFailed, 'tool timed out');
    for (let i = 0; i < 3; i++) await db.events.append(RUN.paused, 'tick', { i });
    await db.runs.pauseRun(RUN.paused);
    await db.runs.completeRun(RUN.archived);
    await db.runs.archiveRun(RUN.archived);
    await db.kv.put(RUN.unindexed, 'note', 'no run record for me');
    await db.events.append(RUN.unindexed, 'note', { n: 1 });
    return { dir, main, liveExpiry };
  } finally {
    await db.close();
  }
}
