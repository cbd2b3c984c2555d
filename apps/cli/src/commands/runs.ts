import { RUN_STATUSES, type RunStatus } from '@agentdb/primitives';
import { type Command, Option } from 'commander';
import { asJson, positiveInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { formatStatus, formatTime } from '../format.js';
import { dataRunIds } from '../run-ids.js';

interface RunsOptions {
  status?: RunStatus;
  tag?: string;
  limit?: number;
  json?: boolean;
}

/** `agentdb <dir> runs [--status s] [--tag t] [--limit n] [--json]`: the run table, oldest first. */
export function registerRuns(program: Command, ctx: CommandContext): void {
  program
    .command('runs')
    .description('list the runs of the run index, oldest first')
    .addOption(new Option('--status <status>', 'only runs in this status').choices(RUN_STATUSES))
    .option('--tag <tag>', 'only runs with this tag')
    .option('--limit <n>', 'at most n runs', positiveInt)
    .option('--json', 'print JSON')
    .action((opts: RunsOptions) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        const runs = await db.runs.queryRuns({
          ...(opts.status === undefined ? {} : { status: opts.status }),
          ...(opts.tag === undefined ? {} : { tag: opts.tag }),
          ...(opts.limit === undefined ? {} : { limit: opts.limit }),
        });
        const { out } = ctx;
        if (opts.json) return out.jsonArray(runs, asJson);
        out.table(
          ['RUN', 'STATUS', 'CREATED', 'NAME', 'PARENT', 'TAGS'],
          runs.map((r) => [
            r.runId,
            formatStatus(r.status, out.style),
            formatTime(r.createdAt),
            r.name ?? '-',
            r.parentRunId ?? '-',
            r.tags.join(', '),
          ]),
        );
        if (opts.status === undefined && opts.tag === undefined && opts.limit === undefined) {
          const indexed = new Set(runs.map((r) => r.runId));
          const unindexed = (await dataRunIds(db)).filter((id) => !indexed.has(id));
          if (unindexed.length > 0)
            out.line(out.style.dim(`(data without a run record: ${unindexed.join(', ')})`));
        }
      }),
    );
}
