import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { AgentDB, invalidArgument } from '@agentdb/primitives';
import type { ServerOptions } from './create-server.js';
import { serveHttp } from './serve-http.js';
import { serveStdio } from './serve-stdio.js';

/** The port `--http` listens on when `--port` is not given. */
export const DEFAULT_PORT = 7420;

/**
 * The help of the command, for the program that runs it (`agentdb <dir> mcp` or `agentdb-mcp <dir>`).
 *
 * @example
 * console.log(mcpUsage('agentdb-mcp <dir>')); // the --help text
 */
export function mcpUsage(program: string): string {
  return `Usage: ${program} [options]

Serve the AgentDB database in <dir> to AI agents over the Model Context Protocol:
tools for runs, key-value memory, state cells, the event log and traces, an atomic
transaction tool, and each run as a resource. Stdio unless --http.

Options:
  --http            serve Streamable HTTP at http://<host>:<port>/mcp instead of stdio
  --host <address>  address to bind with --http (default 127.0.0.1; any other needs a token)
  --port <n>        port to listen on with --http (default ${DEFAULT_PORT}; 0 picks a free one)
  --token <secret>  with --http, require "Authorization: Bearer <secret>"
                    (default: the AGENTDB_MCP_TOKEN environment variable, if set)
  --read-only       offer only the tools that read, on a database opened read-only
  --runs <list>     confine the server to these runs: comma-separated ids, and prefixes
                    ending in "*" (e.g. --runs support-1,batch-*)
  -h, --help        show this help
`;
}

/** What the command runs with (the process's own streams, or a test's). */
export interface McpCommandIO {
  /** The MCP channel in stdio mode. */
  stdin: Readable;
  stdout: Writable;
  /** Notes for the person running the command (never on stdout: that is the protocol's). */
  note(line: string): void;
  env: NodeJS.ProcessEnv;
  /** Stops serving when aborted (SIGINT/SIGTERM); stdio also stops when stdin ends. */
  signal: AbortSignal;
  /** How usage lines name the program, e.g. `agentdb <dir> mcp`. */
  program: string;
  /**
   * Opens the database to serve, instead of the directory `dir` (the CLI passes one for PostgreSQL
   * URLs). Read-only must never create a database.
   */
  open?: (readOnly: boolean) => Promise<AgentDB>;
  /** How notes name the database (default `dir`; the CLI passes a URL without its password). */
  name?: string;
}

interface Plan {
  readOnly: boolean;
  runs: string[] | undefined;
  http: { host: string; port: number; token: string | undefined } | undefined;
}

/** Reads the command's options; every problem is INVALID_ARGUMENT, before the database is opened. */
function plan(args: string[], env: NodeJS.ProcessEnv): Plan | 'help' {
  let values: { [k: string]: string | boolean | undefined };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        http: { type: 'boolean' },
        host: { type: 'string' },
        port: { type: 'string' },
        token: { type: 'string' },
        'read-only': { type: 'boolean' },
        runs: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw invalidArgument((error as Error).message);
  }
  if (values.help) return 'help';
  const http = values.http === true;
  for (const name of ['host', 'port', 'token'])
    if (!http && values[name] !== undefined) throw invalidArgument(`--${name} applies only with --http`);
  const portText = typeof values.port === 'string' ? values.port : String(DEFAULT_PORT);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65_535)
    throw invalidArgument(`--port must be a number 0–65535, got ${JSON.stringify(portText)}`);
  const token = typeof values.token === 'string' ? values.token : env.AGENTDB_MCP_TOKEN || undefined;
  return {
    readOnly: values['read-only'] === true,
    runs: typeof values.runs === 'string' ? values.runs.split(',').map((s) => s.trim()) : undefined,
    http: http
      ? { host: typeof values.host === 'string' ? values.host : '127.0.0.1', port: Number(portText), token }
      : undefined,
  };
}

function open(dir: string, readOnly: boolean): Promise<AgentDB> {
  if (readOnly) {
    // Read-only never creates a database: the directory must hold one (the engine says NOT_FOUND otherwise).
    let isDirectory = false;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch {}
    if (!isDirectory) throw invalidArgument(`no such directory: ${dir}`);
    return AgentDB.open({ path: dir, readOnly: true });
  }
  return AgentDB.open({ path: dir });
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/**
 * `agentdb <dir> mcp [options]`: opens the database in `dir` and serves it until the client goes away
 * (stdio) or `io.signal` aborts, then closes it. Bad options are INVALID_ARGUMENT before anything is
 * opened; `--help` prints the usage on stdout.
 *
 * @example
 * const signal = AbortSignal.timeout(1_000); // serve for a second; a program aborts on SIGINT/SIGTERM
 * const io = { stdin: process.stdin, stdout: process.stdout, note: console.error, env: process.env, signal };
 * await runMcpCommand('./agent-data', ['--http', '--port', '7420'], { ...io, program: 'agentdb <dir> mcp' });
 */
export async function runMcpCommand(dir: string, args: string[], io: McpCommandIO): Promise<void> {
  const p = plan(args, io.env);
  if (p === 'help') {
    io.stdout.write(mcpUsage(io.program));
    return;
  }
  const options: ServerOptions = { readOnly: p.readOnly, ...(p.runs === undefined ? {} : { runs: p.runs }) };
  const db = await (io.open ?? ((readOnly) => open(dir, readOnly)))(p.readOnly);
  const name = io.name ?? dir;
  try {
    const scope = `${p.readOnly ? ', read-only' : ''}${p.runs === undefined ? '' : `, runs ${p.runs.join(',')}`}`;
    if (p.http === undefined) {
      const stdio = await serveStdio(db, options, { stdin: io.stdin, stdout: io.stdout });
      io.note(`agentdb mcp: serving ${name} over stdio${scope}`);
      await Promise.race([stdio.closed, aborted(io.signal)]);
      await stdio.close();
    } else {
      const { host, port, token } = p.http;
      const http = await serveHttp(db, { ...options, host, port, ...(token === undefined ? {} : { token }) });
      io.note(
        `agentdb mcp: serving ${name} at ${http.url}${scope}${token === undefined ? '' : ', bearer token required'}`,
      );
      await aborted(io.signal);
      await http.close();
    }
  } finally {
    await db.close();
  }
}
