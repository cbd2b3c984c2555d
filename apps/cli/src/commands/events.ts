import type { AgentDB, Event } from '@agentdb/primitives';
import type { Command } from 'commander';
import { asJson, nonNegativeInt, positiveInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { formatEvent, formatEvents } from '../format.js';
import { limited } from '../listing.js';
import { knownRun, requireRun } from '../run-ids.js';

interface EventsOptions {
  from: number;
  type?: string;
  follow?: boolean;
  limit?: number;
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

/** `agentdb <dir> events <run> [--from n] [--type t] [--limit n] [--follow] [--json]`: the event log. */
export function registerEvents(program: Command, ctx: CommandContext): void {
  program
    .command('events')
    .description(
      "print a run's event log; --follow waits for new events (and for the run itself) until interrupted",
    )
    .argument('<run>', 'run id')
    .option('--from <n>', 'first sequence', nonNegativeInt, 0)
    .option('--type <type>', 'only events of this type')
    .option('--limit <n>', 'at most n events (with --follow: stop after n)', positiveInt)
    .option('--follow', 'keep printing new events (Ctrl-C to stop); the run need not exist yet')
    .option('--json', 'print JSON (one object per line with --follow)')
    .action((runId: string, opts: EventsOptions) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        const { out } = ctx;
        if (!opts.follow) {
          await requireRun(db, ctx.dir, runId);
          const events = limited(eventsOf(db, runId, opts, new AbortController().signal), opts.limit);
          if (opts.json) return out.jsonArray(events, asJson);
          const all: Event[] = [];
          for await (const e of events) all.push(e);
          for (const line of formatEvents(all, out.style)) out.line(line);
          return;
        }
        // A follower may start before the agent that creates the run: it says so and waits.
        if (!(await knownRun(db, runId)))
          ctx.note(`waiting for run "${runId}" to appear in ${ctx.dir} (Ctrl-C to stop)`);
        // A live tail prints each event as it comes, so columns cannot be aligned ahead.
        for await (const e of limited(eventsOf(db, runId, opts, ctx.interrupted()), opts.limit)) {
          if (opts.json) out.jsonLine(asJson(e));
          else out.line(formatEvent(e, out.style));
        }
      }),
    );
}
