import type { AgentDB, Event } from '@agentdb/primitives';
import type { Command } from 'commander';
import { asJson, nonNegativeInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { formatEvent, formatEvents } from '../format.js';
import { requireRun } from '../run-ids.js';

interface EventsOptions {
  from: number;
  type?: string;
  follow?: boolean;
  json?: boolean;
}

async function* eventsOf(
  db: AgentDB,
  runId: string,
  opts: EventsOptions,
  signal: AbortSignal,
): AsyncGenerator<Event> {
  if (opts.type !== undefined && !opts.follow) {
    // Through the type index: costs the matches, not the log.
    for (const e of await db.events.readByType(runId, opts.type)) if (e.sequence >= opts.from) yield e;
    return;
  }
  const iter = db.events.iter(runId, { from: opts.from, ...(opts.follow ? { follow: true, signal } : {}) });
  for await (const e of iter) if (opts.type === undefined || e.eventType === opts.type) yield e;
}

/** `agentdb <dir> events <run> [--from n] [--type t] [--follow] [--json]`: the event log. */
export function registerEvents(program: Command, ctx: CommandContext): void {
  program
    .command('events')
    .description("print a run's event log; --follow waits for new events until interrupted")
    .argument('<run>', 'run id')
    .option('--from <n>', 'first sequence', nonNegativeInt, 0)
    .option('--type <type>', 'only events of this type')
    .option('--follow', 'keep printing new events (Ctrl-C to stop)')
    .option('--json', 'print JSON (one object per line with --follow)')
    .action((runId: string, opts: EventsOptions) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        await requireRun(db, ctx.dir, runId);
        const { out } = ctx;
        const signal = opts.follow ? ctx.interrupted() : new AbortController().signal;
        if (!opts.follow) {
          const all: Event[] = [];
          for await (const e of eventsOf(db, runId, opts, signal)) all.push(e);
          if (opts.json) return out.json(all.map(asJson));
          for (const line of formatEvents(all, out.style)) out.line(line);
          return;
        }
        // A live tail prints each event as it comes, so columns cannot be aligned ahead.
        for await (const e of eventsOf(db, runId, opts, signal)) {
          if (opts.json) out.jsonLine(asJson(e));
          else out.line(formatEvent(e, out.style));
        }
      }),
    );
}
