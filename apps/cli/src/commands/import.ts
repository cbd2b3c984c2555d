import { createInterface } from 'node:readline';
import { isAgentDBError, type RunMetadata, runRange } from '@agentdb/primitives';
import type { Command } from 'commander';
import { type CommandContext, withDatabase } from '../context.js';
import { CliError } from '../errors.js';
import { decodeRunExport, type RunExport } from '../run-export.js';

interface ImportOptions {
  replace?: boolean;
  detach?: boolean;
}

/** `agentdb <dir> import [--replace] [--detach] < run.jsonl`: writes an export in one transaction. */
export function registerImport(program: Command, ctx: CommandContext): void {
  program
    .command('import')
    .description('read a run exported by "agentdb export" from stdin and write it in one transaction')
    .option('--replace', 'replace a run with the same id (its record and all its data)')
    .option('--detach', 'import a child run whose parent is not in this database as a top-level run')
    .action(async (opts: ImportOptions) => {
      // Read and check the whole input before the database is even opened.
      const run = await decodeRunExport(
        createInterface({ input: ctx.stdin, crlfDelay: Number.POSITIVE_INFINITY }),
      );
      // A refused import writes nothing, not even a new empty database: into a target without one,
      // the only refusal left (a parent that cannot be there) is decided before anything is created.
      if (!(await holdsDatabase(ctx))) await parentChecked(run, opts, async () => false, ctx.dir);
      // One frozen clock: an entry's remaining TTL (expiresAt − now) lands on exactly its exported expiry.
      const now = Date.now();
      const result = await withDatabase(ctx, { kind: 'write', clock: () => now }, (db) =>
        db.engine.transaction(async (tx) => {
          const runs = db.runs.in(tx, run.runId);
          const old = await runs.getRun();
          let oldData = false;
          for await (const _ of tx.scan(runRange(run.runId), { limit: 1 })) oldData = true;
          if ((old !== undefined || oldData) && !opts.replace) {
            throw new CliError(
              `run "${run.runId}" already exists in ${ctx.dir}; pass --replace to overwrite it`,
            );
          }
          const record = await parentChecked(run, opts, (id) => db.runs.in(tx, id).exists(), ctx.dir);
          if (oldData) {
            for await (const { key } of tx.scan(runRange(run.runId), { includeExpired: true }))
              tx.delete(key);
          }
          // The run index writes the record exactly as exported, with its index entries and counter.
          if (record !== undefined) await runs.restoreRun(record, { replace: true });
          else if (old !== undefined) await runs.deleteRun(); // the export has no record: drop ours
          let expired = 0;
          for (const e of run.entries) {
            if (e.expiresAt === undefined) tx.put(e.key, e.value);
            else if (e.expiresAt > now) tx.put(e.key, e.value, { ttlMs: e.expiresAt - now });
            else expired++;
          }
          return { replaced: old !== undefined || oldData, expired, detached: record !== run.record };
        }),
      );
      const written = run.entries.length - result.expired;
      ctx.out.line(
        `imported run "${run.runId}" into ${ctx.dir}: ${run.record === undefined ? 'no run record' : 'its run record'}, ` +
          `${written} entr${written === 1 ? 'y' : 'ies'}` +
          (result.expired > 0 ? ` (${result.expired} already expired, skipped)` : '') +
          (result.replaced ? ' — replaced the existing run' : '') +
          (result.detached ? ' — detached from its parent' : ''),
      );
    });
}

/** Whether the target already holds a database: a read-only open finds one and creates nothing. */
async function holdsDatabase(ctx: CommandContext): Promise<boolean> {
  try {
    await withDatabase(ctx, { kind: 'read' }, async () => undefined);
    return true;
  } catch (error) {
    // No such directory, or a directory without a database (NOT_FOUND): the import would create it.
    if (isAgentDBError(error) && error.code === 'NOT_FOUND') return false;
    if (error instanceof CliError && error.message.startsWith('no such directory')) return false;
    throw error;
  }
}

/** The record to write: a child run's parent must exist here, unless `--detach` drops the link. */
async function parentChecked(
  run: RunExport,
  opts: ImportOptions,
  exists: (runId: string) => Promise<boolean>,
  dir: string,
): Promise<RunMetadata | undefined> {
  const record = run.record;
  if (record?.parentRunId === undefined || (await exists(record.parentRunId))) return record;
  if (!opts.detach) {
    throw new CliError(
      `the parent run "${record.parentRunId}" of "${run.runId}" is not in ${dir}; import it first, or pass --detach`,
    );
  }
  const { parentRunId: _, ...detached } = record;
  return detached;
}
