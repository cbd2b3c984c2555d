import type { AgentDB, Event } from '@agentdb/primitives';
import type { Command } from 'commander';
import { asJson, nonNegativeInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { formatEvents, formatStatus, formatTime, formatValue } from '../format.js';
import { requireRun } from '../run-ids.js';

/** How many entries each primitive holds for one run (live entries: expired KV keys do not count). */
export interface RunCounts {
  kv: number;
  events: number;
  state: number;
  traces: number;
}

/** Counts per primitive. @example await countRun(db, 'triage-1') // { kv: 3, events: 12, state: 3, traces: 6 } */
export async function countRun(db: AgentDB, runId: string): Promise<RunCounts> {
  const [kv, events, state, traces] = await Promise.all([
    db.kv.list(runId),
    db.events.len(runId),
    db.state.list(runId),
    db.traces.count(runId),
  ]);
  return { kv: kv.length, events, state: state.length, traces };
}

async function lastEvents(db: AgentDB, runId: string, n: number): Promise<Event[]> {
  const len = await db.events.len(runId);
  return db.events.readRange(runId, Math.max(0, len - n), len);
}

/** `agentdb <dir> run <id> [--events n] [--json]`: one run, its children, counts and last events. */
export function registerRun(program: Command, ctx: CommandContext): void {
  program
    .command('run')
    .description('show one run: its record, child runs, counts per primitive and last events')
    .argument('<run>', 'run id')
    .option('--events <n>', 'how many of the last events to show', nonNegativeInt, 5)
    .option('--json', 'print JSON')
    .action((runId: string, opts: { events: number; json?: boolean }) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        const record = await requireRun(db, ctx.dir, runId);
        const [children, counts, events] = await Promise.all([
          db.runs.getChildRuns(runId),
          countRun(db, runId),
          lastEvents(db, runId, opts.events),
        ]);
        const { out } = ctx;
        if (opts.json) {
          return out.json({
            run: record === undefined ? null : asJson(record),
            children: children.map(asJson),
            counts: { ...counts },
            lastEvents: events.map(asJson),
          });
        }
        const field = (name: string, value: string) => out.line(`${out.style.bold(name.padEnd(10))}${value}`);
        field('run', runId);
        if (record === undefined) {
          field('record', out.style.dim('none (this run has data but no run-index record)'));
        } else {
          if (record.name !== undefined) field('name', record.name);
          field('status', formatStatus(record.status, out.style));
          if (record.parentRunId !== undefined) field('parent', record.parentRunId);
          field('created', formatTime(record.createdAt));
          field('updated', formatTime(record.updatedAt));
          if (record.completedAt !== undefined) field('completed', formatTime(record.completedAt));
          if (record.error !== undefined) field('error', out.style.red(record.error));
          field('tags', record.tags.length === 0 ? '-' : record.tags.join(', '));
          field('metadata', formatValue(record.metadata, 100));
        }
        field(
          'children',
          children.length === 0
            ? '-'
            : children.map((c) => `${c.runId} (${formatStatus(c.status, out.style)})`).join(', '),
        );
        field(
          'counts',
          `kv ${counts.kv} · events ${counts.events} · state ${counts.state} · traces ${counts.traces}`,
        );
        if (events.length > 0) {
          out.line(out.style.bold(`last ${events.length === 1 ? 'event' : `${events.length} events`}`));
          for (const line of formatEvents(events, out.style)) out.line(`  ${line}`);
        }
      }),
    );
}
