import { type DemoContext, heading } from '../context.js';
import { callTool, formatTtl } from '../tool-call.js';
import type { StartedRun } from './start-run.js';

/** Tool results stay valid for ten minutes… */
export const CACHE_TTL_MS = 10 * 60_000;
/** …except the CI status, which changes quickly; the demo waits it out to show expiry. */
export const STATUS_TTL_MS = 25;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The agent researches: each tool call is cached in KV with a TTL, traced under the plan and logged as
 * an event. Asking the same question again is a cache hit; the short-lived CI status expires and is
 * fetched again.
 *
 * @example await research(ctx, started)
 */
export async function research(ctx: DemoContext, { run, planId }: StartedRun): Promise<void> {
  heading(ctx, 'Step 2 · research with cached tool calls (KV + TTL)');
  const cached = { cacheTtlMs: CACHE_TTL_MS, tags: ['research'] };
  // Fetched twice: cached with a short TTL, then again after that entry expired.
  const fetchCiStatus = () =>
    callTool(ctx, run, planId, 'fetch_ci_status', { build: 4812 }, { ...cached, cacheTtlMs: STATUS_TTL_MS });
  await callTool(ctx, run, planId, 'search_code', { query: 'payment retry timeout' }, cached);
  await callTool(ctx, run, planId, 'read_file', { path: 'checkout/src/retry.ts' }, cached);
  await fetchCiStatus();
  await callTool(ctx, run, planId, 'search_code', { query: 'payment retry timeout' }, cached);
  await sleep(STATUS_TTL_MS + 15);
  ctx.out(ctx.style.dim(`  … ${formatTtl(STATUS_TTL_MS + 15)} later the CI status entry has expired:`));
  await fetchCiStatus();
  const keys = await ctx.db.kv.list(run.runId, { prefix: 'tool:' });
  ctx.out(`  KV now caches ${keys.length} tool results for this run`);
}
