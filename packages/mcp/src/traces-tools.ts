import { type AgentDB, AgentDBError, cursorOf, invalidArgument, type PageOptions } from '@agentdb/primitives';
import { z } from 'zod';
import { afterSchema, DEFAULT_PAGE, limitSchema, nextAfter, nextAfterSchema } from './paging.js';
import { defineTool } from './tool.js';
import { runIdSchema, tagsSchema } from './wire-run.js';
import {
  traceSchema,
  traceToWire,
  traceTreeSchema,
  traceTypeFromWire,
  traceTypeSchema,
  treeToWire,
  type WireTraceTree,
} from './wire-trace.js';
import { valueFromWire, valueSchema } from './wire-value.js';
import { defineWriteOp } from './write-op.js';

const traceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'use 1–64 characters from A–Z, a–z, 0–9, "_" and "-"' });

/** `traces_record`: record one reasoning step. */
export const tracesRecord = defineWriteOp({
  name: 'traces_record',
  title: 'Record a reasoning step',
  description:
    "Records one step of an agent's reasoning in a run — a tool call, a decision, a query, a thought, an error, or a custom step — and returns its trace_id. Give parent_id to record it as a child of an earlier step, so steps form trees (traces_tree). Tags make it findable with traces_query.",
  args: {
    trace: traceTypeSchema,
    parent_id: traceIdSchema.optional().describe('The trace_id of the step this one belongs under'),
    tags: tagsSchema.optional(),
    metadata: valueSchema('Anything to keep with the step').optional(),
    trace_id: traceIdSchema.optional().describe('Your own id for the step (default: a fresh one)'),
  },
  output: { trace_id: z.string() },
  async apply(tx, { trace, parent_id, tags, metadata, trace_id }) {
    const id = await tx.traces.record(traceTypeFromWire(trace), {
      ...(trace_id === undefined ? {} : { id: trace_id }),
      ...(parent_id === undefined ? {} : { parentId: parent_id }),
      ...(tags === undefined ? {} : { tags }),
      ...(metadata === undefined ? {} : { metadata: valueFromWire(metadata, 'metadata') }),
    });
    return () => ({ trace_id: id });
  },
  summary: (r, run) => `recorded trace ${r.trace_id} in run ${run}`,
});

/** `traces_get`: one trace. */
export const tracesGet = defineTool({
  name: 'traces_get',
  title: 'Look up a reasoning step',
  description: 'Returns one recorded step by its trace_id. found is false when the run has no such trace.',
  input: { run_id: runIdSchema, trace_id: traceIdSchema },
  output: { found: z.boolean(), trace: traceSchema.optional() },
  access: 'read',
  async run({ run_id, trace_id }, { db }) {
    const trace = await db.traces.get(run_id, trace_id);
    return trace === undefined ? { found: false } : { found: true, trace: traceToWire(trace) };
  },
  summary: (r, a) =>
    r.found ? `trace ${a.trace_id} of run ${a.run_id}:` : `no trace ${a.trace_id} in run ${a.run_id}`,
});

/** `traces_query`: traces by type, tag, time or parent. */
export const tracesQuery = defineTool({
  name: 'traces_query',
  title: 'Find reasoning steps',
  description:
    "Lists a run's recorded steps in time order, filtered by at most one of: type (tool_call, decision, query, thought, error, or a custom name), tag, a time window [start_ms, end_ms), or parent_id (its children). Without a filter, every step. A page at a time (pass next_after back as after).",
  input: {
    run_id: runIdSchema,
    type: z.string().optional().describe('A step type, or the name of a custom step'),
    tag: z.string().optional(),
    start_ms: z.number().int().optional().describe('Window start (ms since the epoch, inclusive)'),
    end_ms: z.number().int().optional().describe('Window end (ms since the epoch, exclusive)'),
    parent_id: traceIdSchema.optional().describe('Only the direct children of this step'),
    limit: limitSchema,
    after: afterSchema,
  },
  output: { traces: z.array(traceSchema), next_after: nextAfterSchema },
  access: 'read',
  async run(a, { db }) {
    const filters = [
      a.type !== undefined && 'type',
      a.tag !== undefined && 'tag',
      (a.start_ms !== undefined || a.end_ms !== undefined) && 'start_ms/end_ms',
      a.parent_id !== undefined && 'parent_id',
    ].filter((f) => f !== false);
    if (filters.length > 1)
      throw invalidArgument(
        `traces_query takes at most one filter, got ${filters.join(' and ')}; query once per filter`,
      );
    const limit = a.limit ?? DEFAULT_PAGE;
    const page: PageOptions = { limit, ...(a.after === undefined ? {} : { after: a.after }) };
    const traces =
      a.type !== undefined
        ? await db.traces.queryByType(a.run_id, a.type, page)
        : a.tag !== undefined
          ? await db.traces.queryByTag(a.run_id, a.tag, page)
          : a.parent_id !== undefined
            ? await db.traces.getChildren(a.run_id, a.parent_id, page)
            : a.start_ms !== undefined || a.end_ms !== undefined
              ? await db.traces.queryByTime(
                  a.run_id,
                  a.start_ms ?? 0,
                  a.end_ms ?? Number.MAX_SAFE_INTEGER,
                  page,
                )
              : await db.traces.list(a.run_id, page);
    return { traces: traces.map(traceToWire), ...nextAfter(traces, limit, cursorOf) };
  },
  summary: (r, a) =>
    `${r.traces.length} trace(s) in run ${a.run_id}${r.next_after === undefined ? '' : ' (more after)'}`,
});

/**
 * The trace tree under `rootId` (NOT_FOUND if there is no such trace), or every tree of the run, read
 * in one read-only transaction so they come from one snapshot (it never conflicts).
 *
 * @example
 * const trees = await readTrees(db, 'run-1');
 */
export async function readTrees(db: AgentDB, runId: string, rootId?: string): Promise<WireTraceTree[]> {
  return db.engine.transaction(async (tx) => {
    const view = db.traces.in(tx, runId);
    const roots = rootId === undefined ? (await view.getRoots()).map((t) => t.id) : [rootId];
    const trees: WireTraceTree[] = [];
    for (const id of roots) {
      const tree = await view.getTree(id);
      if (tree === undefined) throw new AgentDBError('NOT_FOUND', `run ${runId} has no trace ${id}`);
      trees.push(treeToWire(tree));
    }
    return trees;
  });
}

/** `traces_tree`: steps as trees. */
export const tracesTree = defineTool({
  name: 'traces_tree',
  title: 'Reasoning steps as a tree',
  description:
    'Returns recorded steps as trees, each step with its children in time order: the tree under trace_id, or without it every tree of the run (one per root step).',
  input: {
    run_id: runIdSchema,
    trace_id: traceIdSchema.optional().describe('The root of the tree (default: all roots)'),
  },
  output: { trees: z.array(traceTreeSchema) },
  access: 'read',
  async run({ run_id, trace_id }, { db }) {
    return { trees: await readTrees(db, run_id, trace_id) };
  },
  summary: (r, a) => `${r.trees.length} tree(s) in run ${a.run_id}`,
});
