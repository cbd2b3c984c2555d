import { type AgentDB, type Trace, type TraceTree, typeName } from '@agentdb/primitives';
import type { Command } from 'commander';
import { asJson, positiveInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { drawTrees, formatTime, summarizeTrace } from '../format.js';
import { limited, tracePages } from '../listing.js';
import { requireRun } from '../run-ids.js';

interface TracesOptions {
  tree?: string | true;
  type?: string;
  tag?: string;
  limit?: number;
  json?: boolean;
}

async function trees(
  db: AgentDB,
  dir: string,
  runId: string,
  rootId: string | true,
  limit: number | undefined,
): Promise<TraceTree[]> {
  if (rootId !== true) {
    const tree = await db.traces.getTree(runId, rootId);
    if (tree === undefined) throw new CliError(`unknown trace "${rootId}" in run "${runId}" of ${dir}`);
    return [tree];
  }
  const out: TraceTree[] = [];
  for await (const root of limited(
    tracePages((page) => db.traces.getRoots(runId, page)),
    limit,
  )) {
    const tree = await db.traces.getTree(runId, root.id);
    if (tree !== undefined) out.push(tree);
  }
  return out;
}

/**
 * The traces a filter selects, page by page through an index: the type index (then each trace's own
 * tags when a tag is asked too), or the tag index; no filter lists every trace.
 */
async function* filtered(db: AgentDB, runId: string, opts: TracesOptions): AsyncGenerator<Trace> {
  const { type, tag } = opts;
  if (type !== undefined) {
    for await (const t of tracePages((page) => db.traces.queryByType(runId, type, page)))
      if (tag === undefined || t.tags.includes(tag)) yield t;
  } else if (tag !== undefined) {
    yield* tracePages((page) => db.traces.queryByTag(runId, tag, page));
  } else {
    yield* tracePages((page) => db.traces.list(runId, page));
  }
}

/**
 * `agentdb <dir> traces <run> [--tree [id]] [--type t] [--tag t] [--limit n] [--json]`: traces, as a
 * table or trees.
 */
export function registerTraces(program: Command, ctx: CommandContext): void {
  program
    .command('traces')
    .description("list a run's traces, or draw them as trees (--tree: every root; --tree <id>: one)")
    .argument('<run>', 'run id')
    .option('--tree [id]', 'draw the tree under trace <id>, or every tree')
    .option('--type <type>', 'only traces of this type (custom traces: their name)')
    .option('--tag <tag>', 'only traces with this tag')
    .option('--limit <n>', 'at most n traces (with --tree: n trees)', positiveInt)
    .option('--json', 'print JSON')
    .action((runId: string, opts: TracesOptions) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        if (opts.tree !== undefined && (opts.type !== undefined || opts.tag !== undefined)) {
          throw usageError('--tree draws whole trees: it cannot be combined with --type or --tag');
        }
        await requireRun(db, ctx.dir, runId);
        const { out } = ctx;
        if (opts.tree !== undefined) {
          const forest = await trees(db, ctx.dir, runId, opts.tree, opts.limit);
          if (opts.json) return out.jsonArray(forest, asJson);
          for (const line of drawTrees(forest, out.style)) out.line(line);
          return;
        }
        const traces = limited(filtered(db, runId, opts), opts.limit);
        if (opts.json) return out.jsonArray(traces, asJson);
        const list: Trace[] = [];
        for await (const t of traces) list.push(t);
        out.table(
          ['ID', 'PARENT', 'TIME', 'TYPE', 'TAGS', 'SUMMARY'],
          list.map((t) => [
            t.id,
            t.parentId ?? '-',
            formatTime(t.timestamp),
            out.style.cyan(typeName(t.traceType)),
            t.tags.join(', '),
            summarizeTrace(t.traceType, 60),
          ]),
        );
      }),
    );
}
