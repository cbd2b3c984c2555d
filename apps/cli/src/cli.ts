import { CommanderError } from 'commander';
import { type CommandContext, displayName } from './context.js';
import { describeError, EXIT_USAGE } from './errors.js';
import { Output, useColor } from './output.js';
import { buildProgram, COMMANDS } from './program.js';

/** The process around the CLI: streams and environment (tests pass their own). */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * Runs `agentdb` with `argv` (without node and the script) and returns the exit status. Every
 * failure is reported as one line on stderr (`agentdb: …`); a stack trace only with AGENTDB_DEBUG=1.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), { ...process, env: process.env });
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const writeError = (s: string) => io.stderr.write(s);
  const fail = (message: string, exitCode: number) => {
    writeError(`agentdb: ${message}\n`);
    return exitCode;
  };
  // `agentdb <dir> <command> …`: commander parses the command; the directory comes first.
  const [first, ...rest] = argv;
  const dir = first !== undefined && !first.startsWith('-') ? first : undefined;
  const args = dir === undefined ? argv : rest;
  if (argv.length === 0)
    return fail('missing <dir> and command; usage: agentdb <dir> <command> (see agentdb --help)', EXIT_USAGE);
  if (dir !== undefined && args.length === 0) {
    return COMMANDS.includes(dir)
      ? fail(`missing <dir>; usage: agentdb <dir> ${dir} …`, EXIT_USAGE)
      : fail(`missing command after ${dir}; one of: ${COMMANDS.join(', ')}`, EXIT_USAGE);
  }
  const ctx: CommandContext = {
    dir: displayName(dir ?? ''),
    target: dir ?? '',
    out: new Output((s) => io.stdout.write(s), useColor(io.stdout, io.env)),
    note: (line) => writeError(`${line}\n`),
    stdin: io.stdin,
    interrupted: () => {
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      return ac.signal;
    },
  };
  const program = buildProgram(ctx, writeError);
  try {
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    // Help and --version end with exit code 0; parse errors were already printed by outputError.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    if (io.env.AGENTDB_DEBUG === '1') writeError(`${(error as Error)?.stack ?? String(error)}\n`);
    const { message, exitCode } = describeError(error);
    return fail(message, exitCode);
  }
}
