import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_STATUSES, type RunStatus } from '@agentdb/primitives';
import type { Command } from 'commander';
import { type CommandContext, isPostgresUrl, withDatabase } from '../context.js';
import { formatBytes } from '../format.js';
import { allRunIds } from '../run-ids.js';
import { countRun, type RunCounts } from './run.js';

/** `agentdb <dir> stats [--json]`: sizes, counts and the commit log. */
export function registerStats(program: Command, ctx: CommandContext): void {
  program
    .command('stats')
    .description('sizes, counts per status and per primitive, and the commit log')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        const engine = db.engine.stats();
        // A PostgreSQL database has tables, not files: its size is the engine's.
        const files = isPostgresUrl(ctx.target)
          ? []
          : readdirSync(ctx.dir)
              .filter((f) => f.endsWith('.mdb'))
              .map((f) => ({ file: f, bytes: statSync(join(ctx.dir, f)).size }));
        const byStatus = {} as Record<RunStatus, number>;
        for (const s of RUN_STATUSES) byStatus[s] = (await db.runs.queryRuns({ status: s })).length;
        const indexed = await db.runs.count();
        const ids = await allRunIds(db);
        const totals: RunCounts = { kv: 0, events: 0, state: 0, traces: 0 };
        for (const id of ids) {
          const c = await countRun(db, id);
          for (const k of Object.keys(totals) as (keyof RunCounts)[]) totals[k] += c[k];
        }
        const summary = {
          path: ctx.dir,
          files,
          sizeBytes: engine.sizeBytes,
          entries: engine.entries,
          version: engine.version,
          commitLog: { length: engine.logLength, trimmedThrough: engine.logTrimmedThrough },
          runs: { indexed, withData: ids.length, byStatus },
          totals: { ...totals },
        };
        const { out } = ctx;
        if (opts.json) return out.json(summary);
        const field = (name: string, value: string) => out.line(`${out.style.bold(name.padEnd(12))}${value}`);
        field('path', ctx.dir);
        field(
          'size',
          files.length === 0
            ? formatBytes(engine.sizeBytes)
            : `${formatBytes(engine.sizeBytes)} (${files.map((f) => `${f.file} ${formatBytes(f.bytes)}`).join(', ')})`,
        );
        field('entries', `${engine.entries} stored keys (all runs, indices and the run index)`);
        field(
          'commit log',
          `${engine.logLength} commits retained, latest version ${engine.version}` +
            (engine.logTrimmedThrough > 0 ? `, trimmed through ${engine.logTrimmedThrough}` : ''),
        );
        field(
          'runs',
          `${indexed} in the run index (${
            RUN_STATUSES.filter((s) => byStatus[s] > 0)
              .map((s) => `${s} ${byStatus[s]}`)
              .join(', ') || 'none'
          }); ${ids.length} run id${ids.length === 1 ? '' : 's'} with a record or data`,
        );
        field('kv', `${totals.kv} keys`);
        field('events', `${totals.events} events`);
        field('state', `${totals.state} cells`);
        field('traces', `${totals.traces} traces`);
      }),
    );
}
