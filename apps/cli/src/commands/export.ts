import { runRange } from '@agentdb/primitives';
import type { Command } from 'commander';
import { type CommandContext, withDatabase } from '../context.js';
import { type ExportedEntry, encodeRunExport } from '../run-export.js';
import { requireRun } from '../run-ids.js';

/** `agentdb <dir> export <run> > run.jsonl`: a run and all its data as JSON Lines (run-export.ts). */
export function registerExport(program: Command, ctx: CommandContext): void {
  program
    .command('export')
    .description('write a run (its record and every key it owns) as JSON Lines to stdout')
    .argument('<run>', 'run id')
    .action((runId: string) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        await requireRun(db, ctx.dir, runId);
        // One read-only transaction: one snapshot for the record and every entry, so an export taken
        // beside a live writer is a consistent cut (a read-only transaction never conflicts).
        const run = await db.engine.transaction(async (tx) => {
          const record = await db.runs.in(tx, runId).getRun();
          const entries: ExportedEntry[] = [];
          for await (const { key } of tx.scan(runRange(runId))) {
            // The scan does not carry expiries; getEntry does.
            const entry = await tx.getEntry(key);
            if (entry === undefined) continue;
            entries.push(
              entry.expiresAt === undefined
                ? { key, value: entry.value }
                : { key, value: entry.value, expiresAt: entry.expiresAt },
            );
          }
          return { runId, record, entries };
        });
        for (const line of encodeRunExport(run, Date.now())) ctx.out.line(line);
      }),
    );
}
