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
  // `agentdb <dir> <command> …`: commander parses the command; the directory comes first. Help needs
  // no directory: `agentdb help [command]` and `agentdb <command> --help` go to commander as they are.
  const [first, ...rest] = argv;
  const help = isHelpRequest(argv);
  const dir = !help && first !== undefined && !first.startsWith('-') ? first : undefined;
  // `help <command>` is `<command> --help` (mcp parses its own options and prints its own help).
  const args =
    dir !== undefined ? rest : first === 'help' && rest[0] !== undefined ? [rest[0], '--help'] : argv;
  if (first === 'help' && rest[0] !== undefined && !COMMANDS.includes(rest[0]))
    return fail(`unknown command '${rest[0]}'; one of: ${COMMANDS.join(', ')}`, EXIT_USAGE);
  if (argv.length === 0)
    return fail('missing <dir> and command; usage: agentdb <dir> <command> (see agentdb --help)', EXIT_USAGE);
  if (dir !== undefined && args.length === 0) {
    return COMMANDS.includes(dir)
      ? fail(`missing <dir>; usage: agentdb <dir> ${dir} …`, EXIT_USAGE)
      : fail(`missing command after ${dir}; one of: ${COMMANDS.join(', ')}`, EXIT_USAGE);
  }
  // A reader that stops early (`agentdb <dir> verify | head`) closes stdout: later output is dropped,
  // a --follow ends, and the exit status is still the command's own (verify failing is still 1).
  const outputClosed = new AbortController();
  io.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    outputClosed.abort();
  });
  const ctx: CommandContext = {
    dir: displayName(dir ?? ''),
    target: dir ?? '',
    out: new Output(
      (s) => {
        if (!outputClosed.signal.aborted) io.stdout.write(s);
      },
      useColor(io.stdout, io.env),
      outputClosed.signal,
    ),
    note: (line) => writeError(`${line}\n`),
    stdin: io.stdin,
    interrupted: () => {
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      outputClosed.signal.addEventListener('abort', stop, { once: true });
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

/**
 * `agentdb help [command]`, or `agentdb <command> … --help|-h` without a directory: help that needs
 * no database. (A directory named like a command is still reachable as `./runs`.)
 *
 * @example
 * isHelpRequest(['help', 'runs']) // true
 * isHelpRequest(['runs', '--help']) // true
 * isHelpRequest(['./data', 'runs', '--help']) // false: commander prints the help of runs anyway
 */
export function isHelpRequest(argv: readonly string[]): boolean {
  const [first, ...rest] = argv;
  if (first === 'help') return true;
  return first !== undefined && COMMANDS.includes(first) && rest.some((a) => a === '--help' || a === '-h');
}
