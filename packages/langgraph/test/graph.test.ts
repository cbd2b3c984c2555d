import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AgentDB } from '@agentdb/primitives';
import { InMemoryStore, MemorySaver, type StateSnapshot } from '@langchain/langgraph';
import type { BaseStore } from '@langchain/langgraph-checkpoint';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentDBSaver, AgentDBStore, CHECKPOINT_EVENT, threadRunId } from '../src/index.js';
// The same graph the child processes run (plain JavaScript, shared so both sides agree).
import { approvalGraph, Command } from './fixtures/approval-graph.mjs';
import { openTestDatabase, type TestDatabase } from './helpers.js';

const RUN_GRAPH = fileURLToPath(new URL('./fixtures/run-graph.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const CLI = fileURLToPath(new URL('../node_modules/@agentdb/cli/dist/main.js', import.meta.url));
const THREAD = 'ticket 42/α'; // not a valid run id: stored under its reversible encoding

interface GraphRun {
  result: { steps: string[]; approved: boolean | null; __interrupt__?: { value: unknown }[] };
  next: string[];
  pid: number;
}

/** Runs one phase of the graph in a child process on `dir` (which must not be open here). */
function runGraph(dir: string, phase: 'start' | 'resume', arg: string): GraphRun {
  const out = execFileSync(process.execPath, [RUN_GRAPH, dir, THREAD, phase, arg], { encoding: 'utf8' });
  return JSON.parse(out.trim()) as GraphRun;
}

function agentdb(dir: string, ...args: string[]): string {
  return execFileSync(process.execPath, [CLI, dir, ...args], { encoding: 'utf8' });
}

const config = { configurable: { thread_id: THREAD } };
type Graph = ReturnType<typeof approvalGraph>;

async function history(graph: Graph): Promise<StateSnapshot[]> {
  const out: StateSnapshot[] = [];
  for await (const s of graph.getStateHistory(config)) out.push(s);
  return out;
}

/** A graph result without LangGraph's interrupt objects (their ids differ between runs). */
function summary(result: Record<string, unknown>) {
  const { __interrupt__: interrupts, ...values } = result as {
    __interrupt__?: { value: { question: string } }[];
  };
  return interrupts === undefined ? values : { ...values, interrupt: interrupts[0]?.value.question };
}

/**
 * Forks a thread that ran start → resume('yes'): replays from the checkpoint before plan (invoke with
 * a past checkpoint_id), rewrites the request after plan (updateState) and runs on, answers that
 * fork's interrupt with 'no'. Returns what a user would see, free of ids and timestamps.
 */
async function forkFromThePast(graph: Graph, store: BaseStore) {
  const past = await history(graph);
  const beforePlan = past.find((s) => s.next[0] === 'plan')!;
  const afterPlan = past.find((s) => s.next[0] === 'approve')!;
  const replay = summary(await graph.invoke(null, beforePlan.config));
  const updated = await graph.updateState(afterPlan.config, { request: 'rollback' });
  const rerun = summary(await graph.invoke(null, updated));
  const denied = summary(await graph.invoke(new Command({ resume: 'no' }), config));
  const approvedEnd = (await graph.getState(past[0]!.config)).values;
  const updateSource = (await graph.getState(updated)).metadata?.source;
  const all = (await history(graph)).map((s) => ({
    values: s.values,
    next: s.next,
    step: s.metadata?.step,
    source: s.metadata?.source,
  }));
  return {
    replay,
    rerun,
    denied,
    approvedEnd,
    updateSource,
    all,
    memories: (await store.search(['memories', 'ops'])).length,
  };
}

describe('a real StateGraph on AgentDBSaver and AgentDBStore', () => {
  let t: TestDatabase | undefined;
  afterAll(async () => t?.dispose());

  it('interrupts in one process, resumes with a Command in another, then forks from the past; the chain verifies', async () => {
    expect(existsSync(BUILT), 'build the package first (pnpm build)').toBe(true);
    expect(existsSync(CLI), 'build @agentdb/cli first (pnpm build)').toBe(true);
    t = await openTestDatabase();
    const { dir } = t;
    await t.db.close(); // the children own the directory while they run

    // Process 1 runs until the interrupt; process 2 answers it. Neither shares memory with this one.
    const first = runGraph(dir, 'start', 'deploy');
    expect(first.result.__interrupt__?.[0]?.value).toEqual({ question: 'approve deploy?' });
    expect(first.next).toEqual(['approve']);
    const second = runGraph(dir, 'resume', 'yes');
    expect(second.pid).not.toBe(first.pid);
    expect(second.result).toEqual({ request: 'deploy', steps: ['plan', 'approve', 'act'], approved: true });
    expect(second.next).toEqual([]);

    const db = await AgentDB.open({ path: dir });
    t.db = db;
    const saver = new AgentDBSaver(db);
    const store = new AgentDBStore(db);
    const graph = approvalGraph(saver, store);

    // History, newest first: input (-1), then one checkpoint per step; the interrupted one waits on approve.
    const past = await history(graph);
    expect(past.map((s) => s.metadata?.step)).toEqual([3, 2, 1, 0, -1]);
    expect(past.map((s) => s.next)).toEqual([[], ['act'], ['approve'], ['plan'], ['__start__']]);
    expect(past[2]?.tasks[0]?.interrupts[0]?.value).toEqual({ question: 'approve deploy?' });
    expect((await store.search(['memories', 'ops'])).map((i) => i.value)).toEqual([{ text: 'deploy' }]);
    // Forks from the past, on AgentDB and — the same calls — on LangGraph's MemorySaver/InMemoryStore.
    const ours = await forkFromThePast(graph, store);
    const memoryStore = new InMemoryStore();
    const memory = approvalGraph(new MemorySaver(), memoryStore);
    await memory.invoke({ request: 'deploy' }, config);
    await memory.invoke(new Command({ resume: 'yes' }), config);
    expect(ours).toEqual(await forkFromThePast(memory, memoryStore));
    // What those forks mean, spelled out: the replay from before plan ran plan again (a second
    // memory) from the state it had there, and stopped at approve; the updateState fork was denied;
    // the approved branch is intact.
    expect(ours.replay).toEqual({
      request: 'deploy',
      steps: ['plan'],
      approved: null,
      interrupt: 'approve deploy?',
    });
    expect(ours.rerun).toEqual({
      request: 'rollback',
      steps: ['plan'],
      approved: null,
      interrupt: 'approve rollback?',
    });
    expect(ours.denied).toEqual({ request: 'rollback', steps: ['plan', 'approve', 'skip'], approved: false });
    expect(ours.approvedEnd).toEqual({
      request: 'deploy',
      steps: ['plan', 'approve', 'act'],
      approved: true,
    });
    expect(ours.updateSource).toBe('update');
    expect((await store.search(['memories', 'ops'])).map((i) => i.value)).toEqual([
      { text: 'deploy' },
      { text: 'deploy' },
    ]);

    // Every put appended one chained event, and every checkpoint still matches its event's digest.
    const all = await history(graph);
    const runId = threadRunId(THREAD);
    expect(await db.events.len(runId)).toBe(all.length);
    expect((await db.events.readByType(runId, CHECKPOINT_EVENT)).map((e) => e.payload)).toHaveLength(
      all.length,
    );
    expect(await saver.verifyThread(THREAD)).toEqual({
      valid: true,
      checkpoints: all.length,
      events: all.length,
      problems: [],
    });
    expect((await db.engine.verify()).ok).toBe(true);
    const run = await db.runs.getRun(runId);
    expect(run).toMatchObject({
      name: THREAD,
      tags: ['langgraph-thread'],
      metadata: { langgraph: { threadId: THREAD } },
    });
    await db.close();

    // The agentdb CLI sees the thread as a run, prints its checkpoint events and verifies the chain.
    const runs = JSON.parse(agentdb(dir, 'runs', '--json')) as { runId: string; name?: string }[];
    expect(runs.map((r) => [r.runId, r.name])).toEqual([
      [runId, THREAD],
      ['lg_store', 'LangGraph store'],
    ]);
    const events = JSON.parse(agentdb(dir, 'events', runId, '--json')) as { eventType: string }[];
    expect(events).toHaveLength(all.length);
    expect(new Set(events.map((e) => e.eventType))).toEqual(new Set([CHECKPOINT_EVENT]));
    expect(agentdb(dir, 'verify')).toContain(`run ${runId}: ${all.length} events, chain intact`);
  });
});
