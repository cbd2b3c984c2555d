import type { RunMetadata, RunStatus } from '@agentdb/primitives';
import { check, DEMO_TAG, type DemoContext, heading, sessionOf } from './context.js';
import { drawTree, shortHash, table, traceLabel } from './format.js';
import type { Style } from './style.js';

function paintStatus(status: RunStatus, style: Style): string {
  if (status === 'completed') return style.green(status);
  if (status === 'failed') return style.red(status);
  if (status === 'active' || status === 'paused') return style.yellow(status);
  return status;
}

/** The run table: every run the demo ever created in this database, oldest first. */
async function printRuns(ctx: DemoContext, runs: readonly RunMetadata[]): Promise<void> {
  heading(ctx, `Runs (${runs.length} in this database)`);
  const rows = await Promise.all(
    runs.map(async (r) => [
      r.parentRunId === undefined ? r.runId : `└ ${r.runId}`,
      String(sessionOf(r)),
      paintStatus(r.status, ctx.style),
      String(await ctx.db.events.len(r.runId)),
      String(await ctx.db.traces.count(r.runId)),
      r.parentRunId ?? '—',
      r.error ?? r.name ?? '',
    ]),
  );
  for (const line of table(
    ['run', 'session', 'status', 'events', 'traces', 'parent', 'name / error'],
    rows,
    ctx.style,
  )) {
    ctx.out(`  ${line}`);
  }
}

/** Every trace tree of the given runs, drawn with box-drawing characters. */
async function printTrees(ctx: DemoContext, runs: readonly RunMetadata[]): Promise<void> {
  for (const run of runs) {
    heading(ctx, `Trace tree of ${run.runId}`);
    for (const root of await ctx.db.traces.getRoots(run.runId)) {
      const tree = await ctx.db.traces.getTree(run.runId, root.id);
      if (tree === undefined) continue;
      for (const line of drawTree(tree, (t) => traceLabel(t, ctx.style))) ctx.out(`  ${line}`);
    }
  }
}

/** Verifies each run's hash chain; returns how many verified. */
export async function verifyChains(ctx: DemoContext, runs: readonly RunMetadata[]): Promise<number> {
  let ok = 0;
  for (const run of runs) {
    const v = await ctx.db.events.verifyChain(run.runId);
    const head = await ctx.db.events.head(run.runId);
    const text = v.valid
      ? `${run.runId}: ${v.length} events, chain intact, head ${shortHash(head?.hash ?? '')}…`
      : `${run.runId}: chain BROKEN at event #${v.firstInvalid ?? '?'}: ${v.error ?? ''}`;
    check(ctx, v.valid, text);
    if (v.valid) ok += 1;
  }
  return ok;
}

/**
 * The closing summary: the run table, this session's trace trees, the verification of every event
 * chain in the database, and the engine's own check of its data against its commit log.
 *
 * @example await printSummary(ctx, dir)
 */
export async function printSummary(ctx: DemoContext, dirLabel: string): Promise<void> {
  const runs = await ctx.db.runs.queryRuns({ tag: DEMO_TAG });
  await printRuns(ctx, runs);
  await printTrees(
    ctx,
    runs.filter((r) => sessionOf(r) === ctx.session),
  );
  heading(ctx, 'Event chains (SHA-256, every run in the database)');
  const ok = await verifyChains(ctx, runs);
  heading(ctx, 'Engine check (data against the commit log)');
  const verify = await ctx.db.engine.verify();
  check(ctx, verify.ok, verify.ok ? 'db.verify(): clean' : `db.verify(): ${verify.problems.length} problems`);
  for (const p of verify.problems.slice(0, 5)) ctx.out(`    ${p}`);
  ctx.out();
  const summary = `${runs.length} runs, ${ok}/${runs.length} chains verified`;
  if (ctx.problems.length === 0) {
    ctx.out(ctx.style.green(`Session ${ctx.session} done: ${summary}.`));
  } else {
    ctx.out(ctx.style.red(`Session ${ctx.session} found ${ctx.problems.length} problems: ${summary}.`));
  }
  ctx.out(
    ctx.style.dim(
      `Run it again to continue this database (session ${ctx.session + 1}); add --reset to start over. Data: ${dirLabel}`,
    ),
  );
}
