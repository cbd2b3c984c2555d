import type { BenchConfig } from './config.js';
import type { BenchContext } from './context.js';
import type { BenchResult } from './result.js';
import { batchedWorkloads } from './workloads/batched.js';
import { eventWorkloads } from './workloads/events.js';
import { kvWorkloads } from './workloads/kv.js';
import { langgraphWorkloads } from './workloads/langgraph.js';
import { memoryWorkloads } from './workloads/memory.js';
import { postgresWorkloads } from './workloads/postgres.js';
import { scalingWorkloads } from './workloads/scaling.js';
import { transactionWorkloads } from './workloads/transactions.js';

/** The workload groups in run order; each opens and removes its own databases. */
export const GROUPS = {
  kv: kvWorkloads,
  events: eventWorkloads,
  transactions: transactionWorkloads,
  batched: batchedWorkloads,
  scaling: scalingWorkloads,
  memory: memoryWorkloads,
  langgraph: langgraphWorkloads,
  postgres: postgresWorkloads,
} as const;

export type GroupName = keyof typeof GROUPS;

/** Groups that run only when named in `--only` (they start a server of their own). */
export const OPT_IN_GROUPS: readonly GroupName[] = ['postgres'];

/**
 * Runs every workload of the performance targets (or the named groups) with its baselines, in this process. The
 * opt-in groups (PostgreSQL) run only when named.
 *
 * @example
 * const rows = await runBench(QUICK, { log: console.error });
 */
export async function runBench(
  cfg: BenchConfig,
  opts: { log?: (message: string) => void; only?: readonly GroupName[] } = {},
): Promise<BenchResult[]> {
  const ctx: BenchContext = { cfg, log: opts.log ?? (() => {}) };
  const rows: BenchResult[] = [];
  for (const [name, group] of Object.entries(GROUPS) as [
    GroupName,
    (c: BenchContext) => Promise<BenchResult[]>,
  ][]) {
    if (opts.only === undefined ? OPT_IN_GROUPS.includes(name) : !opts.only.includes(name)) continue;
    rows.push(...(await group(ctx)));
  }
  return rows;
}
