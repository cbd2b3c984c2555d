import { type AgentDB, type Trace, type TraceTree, typeName } from '@agentdb/primitives';
import type { Command } from 'commander';
import { asJson } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { drawTrees, formatTime, summarizeTrace } from '../format.js';
import { requireRun } from '../run-ids.js';

interface TracesOptions {
  tree?: string | true;
  type?: string;
  tag?: string;
  json?: boolean;
}

async function trees(db: AgentDB, dir: string, runId: string, rootId: string | true): Promise<TraceTree[]> {
  if (rootId !== true) {
    const tree = await db.traces.getTree(runId, rootId);
    if (tree === undefined) throw new CliError(`unknown trace "${rootId}" in run "${runId}" of ${dir}`);
    return [tree];
  }
  const roots = await db.traces.getRoots(runId);
  const out: TraceTree[] = [];
  for (const root of roots) {
    const tree = await db.traces.getTree(runId, root.id);
    if (tree !== undefined) out.push(tree);
  }
  return out;
}

/** Both filters through their indices, intersected; no filter lists every trace. */
async function filtered(db: AgentDB, runId: string, opts: TracesOptions): Promise<Trace[]> {
  if (opts.type === undefined && opts.tag === undefined) return db.traces.list(runId);
  const byType = opts.type === undefined ? undefined : await db.traces.queryByType(runId, opts.type);
  const byTag = opts.tag === undefined ? undefined : await db.traces.queryByTag(runId, opts.tag);
  if (byType === undefined) return byTag!;
  if (byTag === undefined) return byType;
  const tagged = new Set(byTag.map((t) => t.id));
  return byType.filter((t) => tagged.has(t.id));
}

/** `agentdb <dir> traces <run> [--tree [id]] [--type t] [--tag t] [--json]`: traces, as a table or trees. */
export function registerTraces(program: Command, ctx: CommandContext): void {
  program
    .command('traces')
    .description("list a run's traces, or draw them as trees (--tree: every root; --tree <id>: one)")
    .argument('<run>', 'run id')
    .option('--tree [id]', 'draw the tree under trace <id>, or every tree')
    .option('--type <type>', 'only traces of this type (custom traces: their name)')
    .option('--tag <tag>', 'only traces with this tag')
    .option('--json', 'print JSON')
    .action((runId: string, opts: TracesOptions) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        if (opts.tree !== undefined && (opts.type !== undefined || opts.tag !== undefined)) {
          throw usageError('--tree draws whole trees: it cannot be combined with --type or --tag');
        }
        await requireRun(db, ctx.dir, runId);
        const { out } = ctx;
        if (opts.tree !== undefined) {
          const forest = await trees(db, ctx.dir, runId, opts.tree);
          if (opts.json) return out.json(forest.map(asJson));
          for (const line of drawTrees(forest, out.style)) out.line(line);
          return;
        }
        const list = await filtered(db, runId, opts);
        if (opts.json) return out.json(list.map(asJson));
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
