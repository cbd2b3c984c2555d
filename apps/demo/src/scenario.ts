import type { DemoContext } from './context.js';
import { forkChild } from './steps/fork.js';
import { release } from './steps/release.js';
import { research } from './steps/research.js';
import { startRun } from './steps/start-run.js';
import { testFix } from './steps/test-fix.js';
import { coordinateWorkers } from './steps/workers.js';

/**
 * One session of the simulated agent, step by step: plan, research with a cache, two workers
 * coordinating through CAS, a forked run that fails, the fix proven, a rolled-back release and the
 * committed one.
 *
 * @example await playScenario(ctx)
 */
export async function playScenario(ctx: DemoContext): Promise<void> {
  const started = await startRun(ctx);
  await research(ctx, started);
  await coordinateWorkers(ctx, started);
  await forkChild(ctx, started);
  await testFix(ctx, started);
  await release(ctx, started);
}
