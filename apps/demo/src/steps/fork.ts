import type { Event, RunMetadata } from '@agentdb/primitives';
import { DEMO_TAG, type DemoContext, heading } from '../context.js';
import { agentRun, callTool } from '../tool-call.js';
import type { StartedRun } from './start-run.js';

/** What the parent chose, and what the forked child tries instead. */
export const PARENT_FIX = 'fake-clock';
export const CHILD_FIX = 'raise-timeout';

/**
 * The parent decides on a fix and forks a child run (`parentRunId`) to try the alternative. The child
 * records its own trace tree and events, its tests still fail, and it ends `failed` — the failure, its
 * error trace and its last event committed together.
 *
 * @example const child = await forkChild(ctx, started)
 */
export async function forkChild(ctx: DemoContext, { run, planId }: StartedRun): Promise<RunMetadata> {
  heading(ctx, 'Step 4 · fork a child run to try the other fix; it fails');
  const childId = `${run.runId}-alt`;
  const decisionId = run.ids.next('choose-fix');
  let forked!: PromiseLike<Event>;
  await ctx.db.transaction(run.runId, async (tx) => {
    await tx.traces.recordChild(
      planId,
      {
        type: 'decision',
        question: 'Which fix?',
        options: ['inject a fake clock', 'raise the retry timeout'],
        chosen: 'inject a fake clock',
        reasoning: 'deterministic; try the timeout in a forked run to compare',
      },
      { id: decisionId, tags: ['planning', 'fork'], metadata: { forkedRun: childId } },
    );
    forked = tx.events.append('run_forked', { child: childId, tries: CHILD_FIX });
  });
  const forkEvent = await forked;
  await ctx.db.runs.createRun({
    runId: childId,
    name: 'Alternative: raise the retry timeout',
    parentRunId: run.runId,
    tags: [DEMO_TAG, 'fork'],
    metadata: { session: ctx.session, forkedBy: decisionId },
  });
  ctx.out(
    `  forked ${ctx.style.bold(childId)} (parentRunId ${run.runId})  ${ctx.style.dim(`event #${forkEvent.sequence} run_forked`)}`,
  );

  const child = agentRun(childId);
  const rootId = child.ids.next('idea');
  await ctx.db.transaction(childId, async (tx) => {
    await tx.traces.record(
      { type: 'thought', content: 'Maybe a longer retry timeout is enough', confidence: 0.4 },
      { id: rootId, tags: ['planning'] },
    );
    tx.events.append('run_started', { forkedFrom: run.runId });
  });
  await callTool(ctx, child, rootId, 'apply_patch', { patch: CHILD_FIX }, { actor: 'fork' });
  const tests = await callTool(
    ctx,
    child,
    rootId,
    'run_tests',
    { suite: 'checkout', patch: CHILD_FIX, repeat: 20 },
    { actor: 'fork', tags: ['verification'] },
  );
  const failed = (tests.result as { failed: number }).failed;
  const reason = `${failed} of ${20 * 48} test runs still fail with a longer timeout`;
  let last!: PromiseLike<Event>;
  await ctx.db.transaction(childId, async (tx) => {
    await tx.traces.recordChild(
      tests.traceId,
      { type: 'error', errorType: 'TestFailure', message: reason, recoverable: false },
      { id: child.ids.next('tests-failed'), tags: ['verification'] },
    );
    last = tx.events.append('run_failed', { reason });
    await tx.runs.failRun(reason);
  });
  const end = await last;
  const meta = await ctx.db.runs.getRun(childId);
  ctx.out(
    `  ${ctx.style.red('✗')} child run ${ctx.style.red(meta?.status ?? '?')}: ${reason}  ${ctx.style.dim(`event #${end.sequence}`)}`,
  );
  return meta!;
}
