import type { Value } from '@agentdb/primitives';

/** A simulated tool: a deterministic answer and how long the real call would have taken. */
export interface ToolOutput {
  readonly result: Value;
  readonly durationMs: number;
}

type Args = { readonly [k: string]: Value };

/**
 * The fake world the agent works in: a checkout service whose payment test is flaky because a retry
 * waits on the wall clock. Every answer depends only on the arguments, so the demo needs no network,
 * no model and no randomness.
 */
const TOOLS: { readonly [name: string]: (args: Args) => ToolOutput } = {
  search_code: (a) => ({
    result:
      a.query === 'payment retry timeout'
        ? ['checkout/test/payment.test.ts:88', 'checkout/src/retry.ts:14', 'checkout/src/clock.ts:3']
        : [],
    durationMs: 120,
  }),
  read_file: (a) => ({
    result:
      a.path === 'checkout/src/retry.ts'
        ? { lines: 42, line14: 'await sleep(100) // wall-clock wait before the retry' }
        : { lines: 120, line88: 'expect(charge.status).toBe("retried")' },
    durationMs: 35,
  }),
  fetch_ci_status: () => ({ result: { build: 4812, state: 'failed', flakyRate: 0.18 }, durationMs: 80 }),
  fetch_ci_log: () => ({
    result: { build: 4812, failed: 'payment › retries after timeout', at: 'payment.test.ts:88' },
    durationMs: 410,
  }),
  git_bisect: () => ({
    result: { firstBad: 'a41c9e2', subject: 'retry: wait 100ms before retrying' },
    durationMs: 2300,
  }),
  run_tests: (a) => {
    const runs = typeof a.repeat === 'number' ? a.repeat : 1;
    if (a.patch === 'fake-clock')
      return { result: { runs, passed: 48 * runs, failed: 0 }, durationMs: 900 * runs };
    if (a.patch === 'raise-timeout')
      return { result: { runs, passed: 46 * runs, failed: 2 * runs }, durationMs: 1400 * runs };
    return { result: { runs, passed: 48 * runs - 4, failed: 4 }, durationMs: 850 * runs };
  },
  apply_patch: (a) => ({ result: { patch: a.patch ?? null, files: 2, applied: true }, durationMs: 15 }),
};

/** Runs a simulated tool. @example runTool('search_code', { query: 'payment retry timeout' }) */
export function runTool(name: string, args: Args): ToolOutput {
  const tool = TOOLS[name];
  if (tool === undefined) throw new TypeError(`unknown tool ${name}`);
  return tool(args);
}

/** The KV key a tool result is cached under: the tool and its arguments. @example cacheKey('read_file', { path: 'a' }) */
export function cacheKey(name: string, args: Args): string {
  return `tool:${name}:${JSON.stringify(args)}`;
}
