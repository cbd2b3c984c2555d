import { type Event, isAgentDBError, type Value } from '@agentdb/primitives';
import { type DemoContext, heading } from '../context.js';
import { type AgentRun, callTool } from '../tool-call.js';
import { CACHE_TTL_MS } from './research.js';
import type { StartedRun } from './start-run.js';

/** The shared work queue, one StateCell: tasks not yet taken, and who took which. */
interface Queue {
  pending: string[];
  claimed: { [task: string]: string };
}

/** The tool call each task makes; inspecting the retry code repeats a research call and hits the cache. */
const TASKS: { readonly [task: string]: { tool: string; args: { [k: string]: Value } } } = {
  'reproduce-locally': { tool: 'run_tests', args: { suite: 'checkout', repeat: 20 } },
  'inspect-retry-code': { tool: 'read_file', args: { path: 'checkout/src/retry.ts' } },
  'bisect-history': { tool: 'git_bisect', args: { range: 'v2.3.0..main' } },
  'read-ci-log': { tool: 'fetch_ci_log', args: { build: 4812 } },
};

/** What the coordination step reports. */
export interface WorkersOutcome {
  /** Tasks each worker ended up with. */
  readonly claims: { readonly [worker: string]: string[] };
  /** CAS attempts that lost to the other worker and were retried. */
  readonly lostCas: number;
  /** The version of the queue cell at the end. */
  readonly queueVersion: number;
}

function asQueue(v: Value): Queue {
  return v as unknown as Queue;
}

/**
 * One simulated worker. It yields after every database step so the scheduler can interleave the two
 * workers deterministically: both read the queue at the same version, one wins the CAS, the other gets
 * VERSION_MISMATCH, re-reads and tries the next task.
 */
async function* worker(
  ctx: DemoContext,
  run: AgentRun,
  dispatchId: string,
  name: string,
  outcome: { claims: { [w: string]: string[] }; lostCas: number },
): AsyncGenerator<void, void> {
  const { style } = ctx;
  outcome.claims[name] = [];
  for (;;) {
    const cell = await ctx.db.state.read(run.runId, 'queue');
    if (cell === undefined) throw new Error('the queue cell is missing');
    const queue = asQueue(cell.value);
    const task = queue.pending[0];
    if (task === undefined) return;
    yield; // the other worker now reads the same version
    let claimed!: PromiseLike<Event>;
    try {
      await ctx.db.transaction(run.runId, async (tx) => {
        const next: Queue = { pending: queue.pending.slice(1), claimed: { ...queue.claimed, [task]: name } };
        await tx.state.cas('queue', cell.version, next as unknown as Value);
        claimed = tx.events.append('task_claimed', { worker: name, task, queueVersion: cell.version + 1 });
      });
    } catch (e) {
      if (!isAgentDBError(e, 'VERSION_MISMATCH')) throw e;
      outcome.lostCas += 1;
      ctx.out(
        `  ${style.magenta(name)}  claim ${task.padEnd(18)} cas v${e.expected} ${style.red('✗ VERSION_MISMATCH')} (queue is at v${e.actual}) → re-read and retry`,
      );
      continue;
    }
    const event = await claimed;
    outcome.claims[name]!.push(task);
    ctx.out(
      `  ${style.magenta(name)}  claim ${task.padEnd(18)} cas v${cell.version}→v${cell.version + 1} ${style.green('✓ won')}  ${style.dim(`event #${event.sequence}`)}`,
    );
    const { tool, args } = TASKS[task]!;
    await callTool(ctx, run, dispatchId, tool, args, {
      actor: name,
      tags: [name, `task:${task}`],
      ...(tool === 'run_tests' || tool === 'git_bisect' ? {} : { cacheTtlMs: CACHE_TTL_MS }),
    });
    yield;
  }
}

/**
 * Two workers share a task queue held in one StateCell and claim tasks with compare-and-swap. The
 * interleaving is fixed (round robin, one database step each), so every run of the demo shows the same
 * wins and losses, and the losses are real VERSION_MISMATCH errors from the store.
 *
 * @example const { lostCas } = await coordinateWorkers(ctx, started)
 */
export async function coordinateWorkers(
  ctx: DemoContext,
  { run, planId }: StartedRun,
): Promise<WorkersOutcome> {
  heading(ctx, 'Step 3 · two workers claim tasks from one StateCell with CAS');
  const dispatchId = run.ids.next('dispatch');
  const tasks = Object.keys(TASKS);
  await ctx.db.transaction(run.runId, async (tx) => {
    await tx.traces.recordChild(
      planId,
      {
        type: 'decision',
        question: 'How to split the investigation?',
        options: ['one agent, sequentially', 'two workers sharing a queue'],
        chosen: 'two workers sharing a queue',
        reasoning: 'the four tasks are independent',
      },
      { id: dispatchId, tags: ['planning', 'coordination'] },
    );
    await tx.state.init('queue', { pending: tasks, claimed: {} });
    await tx.state.set('phase', 'investigating');
  });
  ctx.out(`  queue cell v1 = [${tasks.join(', ')}]`);

  const outcome = { claims: {} as { [w: string]: string[] }, lostCas: 0 };
  // Round robin over the workers, one step each, until both have run out of tasks.
  let active = [
    worker(ctx, run, dispatchId, 'worker-a', outcome),
    worker(ctx, run, dispatchId, 'worker-b', outcome),
  ];
  while (active.length > 0) {
    const still: typeof active = [];
    for (const w of active) if (!(await w.next()).done) still.push(w);
    active = still;
  }
  const queue = await ctx.db.state.read(run.runId, 'queue');
  const a = outcome.claims['worker-a'] ?? [];
  const b = outcome.claims['worker-b'] ?? [];
  ctx.out(
    `  done: worker-a took ${a.length}, worker-b took ${b.length}, ${outcome.lostCas} CAS attempts lost and retried; queue at v${queue?.version}`,
  );
  return { claims: outcome.claims, lostCas: outcome.lostCas, queueVersion: queue?.version ?? 0 };
}
