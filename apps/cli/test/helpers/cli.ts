import { spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../dist/cli.js';

/** The built CLI (build first: `pnpm build`, or turbo's test task does): tests run what users run. */
export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a piped, uncoloured run; `env` adds or removes (undefined) variables. */
function environment(env: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env };
  delete out.NO_COLOR;
  delete out.FORCE_COLOR;
  delete out.AGENTDB_DEBUG;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * Runs `node dist/main.js …args` to completion, with `input` on stdin. Asynchronous, so independent
 * invocations can run side by side (`it.concurrent`): each costs a Node start-up and the imports.
 *
 * @example
 * const { code, stdout } = await agentdb([dir, 'runs', '--json']);
 */
export function agentdb(
  args: string[],
  opts: {
    input?: string | Buffer;
    env?: Record<string, string | undefined>;
    /** Close the reading end of stdout at once, as `| head` does when it has read enough. */
    closedStdout?: boolean;
  } = {},
): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { env: environment(opts.env), stdio: 'pipe' });
  if (opts.closedStdout) child.stdout.destroy();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  child.stdin.on('error', () => {}); // a CLI that exits without reading its input
  child.stdin.end(opts.input ?? '');
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs the built CLI's `runCli` (dist/cli.js: everything but the 10-line dist/main.js) inside the
 * test process with in-memory streams: for the many detailed output checks, which would otherwise
 * each pay a Node start-up. `tty` makes stdout claim to be a terminal.
 *
 * @example
 * const { code, stdout } = await inProcess([dir, 'traces', run, '--tree']);
 */
export async function inProcess(
  args: string[],
  opts: { input?: string; env?: Record<string, string>; tty?: boolean } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        append(chunk.toString());
        callback();
      },
    });
  const out = Object.assign(
    sink((s) => {
      stdout += s;
    }),
    { isTTY: opts.tty === true },
  );
  const code = await runCli(args, {
    stdout: out,
    stderr: sink((s) => {
      stderr += s;
    }),
    stdin: Readable.from(opts.input === undefined ? [] : [opts.input]),
    env: opts.env ?? {},
  });
  return { code, stdout, stderr };
}

/** A CLI process left running (for --follow): its output so far, and a way to wait for text. */
export interface RunningCli {
  output(): string;
  /** Waits until `text` is on stdout (or on stderr, with `stream: 'stderr'`). */
  waitFor(text: string, timeoutMs?: number, stream?: 'stdout' | 'stderr'): Promise<void>;
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/**
 * Starts the CLI without waiting for it.
 *
 * @example
 * const p = startAgentdb([dir, 'events', run, '--follow']);
 * await p.waitFor('#3');
 */
export function startAgentdb(args: string[]): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: environment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    output: () => stdout,
    async waitFor(text, timeoutMs = 20_000, stream = 'stdout') {
      const deadline = Date.now() + timeoutMs;
      while (!(stream === 'stdout' ? stdout : stderr).includes(text)) {
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`"${text}" never appeared; stdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop(signal = 'SIGINT') {
      child.kill(signal);
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}
