import type { Event } from '@agentdb/primitives';
import { DEMO_TAG, type DemoContext, heading } from '../context.js';
import { type AgentRun, agentRun } from '../tool-call.js';

/** The task the simulated agent works on. */
export const TASK = 'Fix the flaky payment test in the checkout service';

/** The parent run and the id of its root trace (the plan), which every later trace hangs under. */
export interface StartedRun {
  readonly run: AgentRun;
  readonly planId: string;
}

/**
 * Creates this session's parent run and, in one transaction, its plan: the root `thought` trace, the
 * `phase` state cell and the `run_started` event.
 *
 * @example const { run, planId } = await startRun(ctx)
 */
export async function startRun(ctx: DemoContext): Promise<StartedRun> {
  heading(ctx, 'Step 1 · a parent run and its plan');
  const meta = await ctx.db.runs.createRun({
    runId: `s${ctx.session}-fix-flaky-test`,
    name: TASK,
    tags: [DEMO_TAG, 'parent'],
    metadata: { session: ctx.session, agent: 'triage-bot', model: 'none (simulated)' },
  });
  const run = agentRun(meta.runId);
  const planId = run.ids.next('plan');
  let started!: PromiseLike<Event>;
  await ctx.db.transaction(run.runId, async (tx) => {
    await tx.traces.record(
      {
        type: 'thought',
        content: 'Reproduce the flake, find its cause, fix it, prove it with tests',
        confidence: 0.7,
      },
      { id: planId, tags: ['planning'] },
    );
    await tx.state.init('phase', 'research');
    started = tx.events.append('run_started', { task: TASK, session: ctx.session });
  });
  const event = await started;
  ctx.out(`  created run ${ctx.style.bold(run.runId)} (status ${meta.status}) — "${TASK}"`);
  ctx.out(
    `  plan recorded as root trace ${planId}; state cell phase = "research" (v1); event #${event.sequence} run_started`,
  );
  return { run, planId };
}
