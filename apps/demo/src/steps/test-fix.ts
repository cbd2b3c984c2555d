import type { DemoContext } from '../context.js';
import { heading } from '../context.js';
import { callTool } from '../tool-call.js';
import { PARENT_FIX } from './fork.js';
import type { StartedRun } from './start-run.js';

/**
 * Back in the parent: apply the chosen fix and run the suite twenty times; it passes.
 *
 * @example await testFix(ctx, started)
 */
export async function testFix(ctx: DemoContext, { run, planId }: StartedRun): Promise<void> {
  heading(ctx, 'Step 5 · the parent applies its fix and proves it');
  await ctx.db.state.set(run.runId, 'phase', 'testing');
  const patch = await callTool(ctx, run, planId, 'apply_patch', { patch: PARENT_FIX });
  await callTool(
    ctx,
    run,
    patch.traceId,
    'run_tests',
    { suite: 'checkout', patch: PARENT_FIX, repeat: 20 },
    { tags: ['verification'] },
  );
}
