import type { State } from '@agentdb/primitives';
import type { Command } from 'commander';
import { positiveInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { formatTime, formatValue } from '../format.js';
import { requireRun } from '../run-ids.js';
import { toTypedJson } from '../typed-json.js';

function stateJson(name: string, s: State) {
  return { name, value: toTypedJson(s.value), version: s.version, updatedAt: s.updatedAt };
}

/** `agentdb <dir> state <run> [<name>] [--limit n] [--json]`: a run's state cells, or one cell. */
export function registerState(program: Command, ctx: CommandContext): void {
  program
    .command('state')
    .description("list a run's state cells with their versions, or show one")
    .argument('<run>', 'run id')
    .argument('[name]', 'one cell')
    .option('--limit <n>', 'at most n cells (by name)', positiveInt)
    .option('--json', 'print JSON')
    .action((runId: string, name: string | undefined, opts: { limit?: number; json?: boolean }) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        await requireRun(db, ctx.dir, runId);
        const { out } = ctx;
        if (name !== undefined) {
          if (opts.limit !== undefined) throw usageError('--limit applies to the list of cells only');
          const cell = await db.state.read(runId, name);
          if (cell === undefined) throw new CliError(`no state cell "${name}" in run "${runId}"`);
          if (opts.json) return out.json(stateJson(name, cell));
          out.line(`${out.style.bold('name     ')}${name}`);
          out.line(`${out.style.bold('version  ')}${cell.version}`);
          out.line(`${out.style.bold('updated  ')}${formatTime(cell.updatedAt)}`);
          out.line(`${out.style.bold('value    ')}${formatValue(cell.value)}`);
          return;
        }
        // One read-only transaction: every cell from the same snapshot.
        const cells = await db.engine.transaction(async (tx) => {
          const view = db.state.in(tx, runId);
          const found: [string, State][] = [];
          const names = await view.list();
          for (const n of opts.limit === undefined ? names : names.slice(0, opts.limit)) {
            const cell = await view.read(n);
            if (cell !== undefined) found.push([n, cell]);
          }
          return found;
        });
        if (opts.json) return out.jsonArray(cells, ([n, c]) => stateJson(n, c));
        out.table(
          ['NAME', 'VERSION', 'UPDATED', 'VALUE'],
          cells.map(([n, c]) => [n, String(c.version), formatTime(c.updatedAt), formatValue(c.value, 80)]),
        );
      }),
    );
}
