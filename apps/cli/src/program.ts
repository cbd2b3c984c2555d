import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerEvents } from './commands/events.js';
import { registerExport } from './commands/export.js';
import { registerExportOtel } from './commands/export-otel.js';
import { registerImport } from './commands/import.js';
import { registerKv } from './commands/kv.js';
import { registerMcp } from './commands/mcp.js';
import { registerRun } from './commands/run.js';
import { registerRuns } from './commands/runs.js';
import { registerState } from './commands/state.js';
import { registerStats } from './commands/stats.js';
import { registerTraces } from './commands/traces.js';
import { registerUi } from './commands/ui.js';
import { registerVerify } from './commands/verify.js';
import type { CommandContext } from './context.js';

/** The command names, in help order. */
export const COMMANDS = [
  'runs',
  'run',
  'events',
  'verify',
  'traces',
  'kv',
  'state',
  'export',
  'export-otel',
  'import',
  'stats',
  'mcp',
  'ui',
];

function version(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return (pkg as { version: string }).version;
}

/**
 * The commander program for `agentdb <dir> <command>`. The directory is taken off the arguments
 * before parsing (cli.ts); naming the program `agentdb <dir>` makes every usage line show it.
 * Parse errors throw (exitOverride) after `writeError` printed them as one line.
 *
 * @example
 * await buildProgram(ctx, (s) => process.stderr.write(s)).parseAsync(['runs', '--json'], { from: 'user' });
 */
export function buildProgram(ctx: CommandContext, writeError: (line: string) => void): Command {
  const program = new Command('agentdb <dir>')
    .description('Inspect, verify, export, import and view (ui) an AgentDB database directory.')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.out.raw(s),
      writeErr: writeError,
      // commander prints "error: …" and maybe a "(Did you mean …?)" line: make it one line of ours.
      outputError: (s, write) =>
        write(
          `agentdb: ${s
            .replace(/^error: /, '')
            .trim()
            .replace(/\s*\n\s*/g, ' ')}\n`,
        ),
    })
    .showSuggestionAfterError(true);
  // Subcommands copy these settings when created, so the order above matters.
  registerRuns(program, ctx);
  registerRun(program, ctx);
  registerEvents(program, ctx);
  registerVerify(program, ctx);
  registerTraces(program, ctx);
  registerKv(program, ctx);
  registerState(program, ctx);
  registerExport(program, ctx);
  registerExportOtel(program, ctx);
  registerImport(program, ctx);
  registerStats(program, ctx);
  registerMcp(program, ctx);
  registerUi(program, ctx);
  return program;
}
