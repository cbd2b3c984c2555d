import type { ChainVerification } from '@agentdb/primitives';
import type { Command } from 'commander';
import { type CommandContext, withDatabase } from '../context.js';
import { CliError } from '../errors.js';
import { explainKeys } from '../format.js';
import { allRunIds, requireRun } from '../run-ids.js';

/** `agentdb <dir> verify [<run>] [--json]`: every event chain (or one run's) and the engine's check. */
export function registerVerify(program: Command, ctx: CommandContext): void {
  program
    .command('verify')
    .description(
      "check every run's event chain (or one run's) and the data against the commit log; exit 1 on any failure",
    )
    .argument('[run]', 'only this run (the engine check always runs)')
    .option('--json', 'print JSON')
    .action((runId: string | undefined, opts: { json?: boolean }) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        if (runId !== undefined) await requireRun(db, ctx.dir, runId);
        const engine = await db.engine.verify();
        const ids = runId === undefined ? await allRunIds(db) : [runId];
        const chains: (ChainVerification & { runId: string })[] = [];
        for (const id of ids) chains.push({ runId: id, ...(await db.events.verifyChain(id)) });
        const broken = chains.filter((c) => !c.valid);
        const { out } = ctx;
        if (opts.json) {
          out.json({
            ok: engine.ok && broken.length === 0,
            engine: { ok: engine.ok, problems: engine.problems },
            chains: chains.map(({ runId, valid, length, firstInvalid, error }) => ({
              runId,
              valid,
              length,
              ...(firstInvalid === undefined ? {} : { firstInvalid }),
              ...(error === undefined ? {} : { error }),
            })),
          });
        } else {
          const stats = db.engine.stats();
          out.line(
            `${engine.ok ? out.style.green('ok  ') : out.style.red('FAIL')}  engine: data against the commit log (${stats.logLength} commits)`,
          );
          for (const p of engine.problems) out.line(`      ${out.style.red(explainKeys(p))}`);
          for (const c of chains) {
            const where = c.firstInvalid === undefined ? '' : ` at sequence ${c.firstInvalid}`;
            out.line(
              c.valid
                ? `${out.style.green('ok  ')}  run ${c.runId}: ${c.length} event${c.length === 1 ? '' : 's'}, chain intact`
                : `${out.style.red('FAIL')}  run ${c.runId}: chain broken${where}: ${c.error ?? 'invalid'} (${c.length} events intact)`,
            );
          }
        }
        if (!engine.ok || broken.length > 0) {
          const parts = broken.map(
            (c) => `run ${c.runId}${c.firstInvalid === undefined ? '' : ` at sequence ${c.firstInvalid}`}`,
          );
          if (!engine.ok)
            parts.push(
              `engine (${engine.problems.length} problem${engine.problems.length === 1 ? '' : 's'})`,
            );
          throw new CliError(`verification failed: ${parts.join('; ')}`);
        }
      }),
    );
}
