import { invalidArgument, type RunMetadata, type RunQuery } from '@agentdb/primitives';
import { z } from 'zod';
import { afterSchema, DEFAULT_PAGE, limitSchema, nextAfter, nextAfterSchema } from './paging.js';
import { defineTool, type ToolContext } from './tool.js';
import { runIdSchema, runSchema, runStatusSchema, runToWire, tagsSchema } from './wire-run.js';
import { valueFromWire, valueSchema } from './wire-value.js';
import { defineWriteOp } from './write-op.js';

const runOutput = { run: runSchema };

/** `runs_create`: start a run. */
export const runsCreate = defineWriteOp({
  name: 'runs_create',
  title: 'Start a run',
  description:
    'Creates a run: the unit an agent’s work is grouped by (its memory, state, events and traces all live under the run id). Leave run_id out for a fresh id. A run with parent_run_id becomes that run’s child. The run starts active.',
  optionalRunId: true,
  args: {
    name: z.string().optional().describe('A label for people'),
    tags: tagsSchema.optional(),
    parent_run_id: runIdSchema.optional().describe('An existing run this one is part of'),
    metadata: valueSchema('Anything to keep with the run').optional(),
  },
  output: runOutput,
  async apply(tx, { name, tags, parent_run_id, metadata }, ctx) {
    if (parent_run_id !== undefined) ctx.scope.check(parent_run_id);
    const run = await tx.runs.createRun({
      ...(name === undefined ? {} : { name }),
      ...(tags === undefined ? {} : { tags }),
      ...(parent_run_id === undefined ? {} : { parentRunId: parent_run_id }),
      ...(metadata === undefined ? {} : { metadata: valueFromWire(metadata, 'metadata') }),
    });
    return () => ({ run: runToWire(run) });
  },
  summary: (r) => `created run ${r.run.run_id}${r.run.name === undefined ? '' : ` "${r.run.name}"`}`,
});

/** `runs_get`: one run's record. */
export const runsGet = defineTool({
  name: 'runs_get',
  title: 'Look up a run',
  description:
    "Returns a run's record: status, name, tags, parent, metadata, times and error. found is false for a run the index does not know.",
  input: { run_id: runIdSchema },
  output: { found: z.boolean(), run: runSchema.optional() },
  access: 'read',
  async run({ run_id }, { db }) {
    const run = await db.runs.getRun(run_id);
    return run === undefined ? { found: false } : { found: true, run: runToWire(run) };
  },
  summary: (r, a) => (r.found ? `run ${a.run_id} is ${r.run?.status}` : `no run ${a.run_id}`),
});

/** A `runs_list` cursor: the last run's creation time and id (ids never contain "."). */
function runCursor(run: RunMetadata): string {
  return `${run.createdAt}.${run.runId}`;
}

function parseRunCursor(cursor: string): NonNullable<RunQuery['after']> {
  const match = /^(\d+)\.([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (match === null)
    throw invalidArgument(`after ${JSON.stringify(cursor)} is not a next_after from runs_list`);
  return { createdAt: Number(match[1]), runId: match[2]! };
}

/**
 * A page of `q` with only the runs inside the server's scope. Runs outside it are skipped by paging on,
 * so a page is short only at the end.
 */
async function queryInScope(ctx: ToolContext, q: RunQuery, limit: number): Promise<RunMetadata[]> {
  if (!ctx.scope.confined) return ctx.db.runs.queryRuns({ ...q, limit });
  const found: RunMetadata[] = [];
  let after = q.after;
  for (;;) {
    const page = await ctx.db.runs.queryRuns({ ...q, limit, ...(after === undefined ? {} : { after }) });
    for (const run of page) if (ctx.scope.allows(run.runId) && found.length < limit) found.push(run);
    const last = page.at(-1);
    if (found.length >= limit || page.length < limit || last === undefined) return found;
    after = { createdAt: last.createdAt, runId: last.runId };
  }
}

/** `runs_list`: find runs by status, tag, parent and creation time. */
export const runsList = defineTool({
  name: 'runs_list',
  title: 'Find runs',
  description:
    'Lists runs in creation order, filtered by status, tag, parent and creation time (all given filters must match), a page at a time (pass next_after back as after).',
  input: {
    status: runStatusSchema.optional(),
    tag: z.string().optional(),
    parent_run_id: runIdSchema.optional().describe('Only children of this run'),
    created_after: z
      .number()
      .int()
      .optional()
      .describe('Only runs created after this time (ms since the epoch)'),
    created_before: z
      .number()
      .int()
      .optional()
      .describe('Only runs created before this time (ms since the epoch)'),
    limit: limitSchema,
    after: afterSchema,
  },
  output: { runs: z.array(runSchema), next_after: nextAfterSchema },
  access: 'read',
  async run(a, ctx) {
    const limit = a.limit ?? DEFAULT_PAGE;
    const q: RunQuery = {
      ...(a.status === undefined ? {} : { status: a.status }),
      ...(a.tag === undefined ? {} : { tag: a.tag }),
      ...(a.parent_run_id === undefined ? {} : { parentRunId: a.parent_run_id }),
      ...(a.created_after === undefined ? {} : { createdAfter: a.created_after }),
      ...(a.created_before === undefined ? {} : { createdBefore: a.created_before }),
      ...(a.after === undefined ? {} : { after: parseRunCursor(a.after) }),
    };
    const runs = await queryInScope(ctx, q, limit);
    return { runs: runs.map(runToWire), ...nextAfter(runs, limit, runCursor) };
  },
  summary: (r) => `${r.runs.length} run(s)${r.next_after === undefined ? '' : ' (more after)'}`,
});

/** `runs_update_status`: move a run through its lifecycle. */
export const runsUpdateStatus = defineWriteOp({
  name: 'runs_update_status',
  title: 'Change a run’s status',
  description:
    'Moves a run to another status. Allowed: active → any status; paused → active, cancelled or archived; completed, failed or cancelled → archived; archived is final. Anything else fails with INVALID_TRANSITION (from, to). error is recorded only with status failed.',
  args: {
    status: runStatusSchema,
    error: z.string().optional().describe('Why it failed (status failed only)'),
  },
  output: runOutput,
  async apply(tx, { status, error }) {
    const run = await tx.runs.updateStatus(status, error === undefined ? undefined : { error });
    return () => ({ run: runToWire(run) });
  },
  summary: (r) => `run ${r.run.run_id} is now ${r.run.status}`,
});

/** `runs_complete`: finish a run successfully. */
export const runsComplete = defineWriteOp({
  name: 'runs_complete',
  title: 'Complete a run',
  description:
    'Marks an active run completed (and stamps completed_at). Fails with INVALID_TRANSITION unless the run is active.',
  args: {},
  output: runOutput,
  async apply(tx) {
    const run = await tx.runs.completeRun();
    return () => ({ run: runToWire(run) });
  },
  summary: (r) => `run ${r.run.run_id} is now ${r.run.status}`,
});

/** `runs_fail`: finish a run with an error. */
export const runsFail = defineWriteOp({
  name: 'runs_fail',
  title: 'Fail a run',
  description:
    'Marks an active run failed, recording why. Fails with INVALID_TRANSITION unless the run is active.',
  args: { error: z.string().min(1).describe('What went wrong') },
  output: runOutput,
  async apply(tx, { error }) {
    const run = await tx.runs.failRun(error);
    return () => ({ run: runToWire(run) });
  },
  summary: (r) => `run ${r.run.run_id} is now ${r.run.status}: ${r.run.error}`,
});
