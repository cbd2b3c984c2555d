import { readFileSync } from 'node:fs';
import { AgentDB, invalidArgument } from '@agentdb/primitives';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { registerRunResources } from './run-resources.js';
import { RunScope } from './run-scope.js';
import type { ToolContext } from './tool.js';
import { TOOLS } from './tool-catalog.js';

/** What `createServer` can be told. */
export interface ServerOptions {
  /** Offer only the tools that read (and the resources); default false. */
  readOnly?: boolean;
  /**
   * Confine the server to these runs: run ids, and prefixes ending in `*` (`'job-*'`). Runs outside
   * are refused (INVALID_ARGUMENT) and never listed. Default: every run.
   */
  runs?: readonly string[];
}

/**
 * The largest message a server reads (an HTTP body, a stdio line): above AgentDB's default 16 MiB value
 * limit, so an oversized value gets AgentDB's INVALID_VALUE instead of a dropped request.
 */
export const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

const OPTION_KEYS = new Set(['readOnly', 'runs']);

const INSTRUCTIONS =
  'AgentDB: durable memory and an audit log for agents. Everything is stored under a run id: ' +
  'create one with runs_create (or use any run id you choose) and pass it to every tool. ' +
  'kv_* is key-value memory (with ttl_ms), state_* are versioned cells (state_cas changes one only if it is still at the version you read), ' +
  'events_* is an append-only, hash-chained log (events_verify proves nothing was altered), traces_* records reasoning steps as trees, ' +
  'and transaction applies several writes atomically. Errors come back with a code (VERSION_MISMATCH, NOT_FOUND, INVALID_ARGUMENT, …) and a message saying what to do.';

function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return (pkg as { version: string }).version;
}

/** Checks `createServer` options once, before any server is built from them. */
export function resolveServerOptions(options: ServerOptions = {}): { readOnly: boolean; scope: RunScope } {
  if (options === null || typeof options !== 'object')
    throw invalidArgument('server options must be an object');
  for (const key of Object.keys(options))
    if (!OPTION_KEYS.has(key))
      throw invalidArgument(
        `unknown server option ${JSON.stringify(key)}; known: ${[...OPTION_KEYS].join(', ')}`,
      );
  if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean')
    throw invalidArgument('readOnly must be true or false');
  return { readOnly: options.readOnly === true, scope: RunScope.parse(options.runs) };
}

/**
 * An MCP server over `db`: a tool for every primitive operation (snake_case names and arguments,
 * input and output schemas), an atomic `transaction` tool, and each run as resources
 * (`agentdb://runs/{run_id}`, `…/events`, `…/traces`). Connect it to any transport; it never closes
 * `db`. Works on any engine AgentDB runs on: it uses only AgentDB's public API.
 *
 * @example
 * // not run: it serves MCP over this process's stdin and stdout
 * const db = await AgentDB.open({ path: './agent-data' });
 * const server = createServer(db, { runs: ['job-*'] });
 * await server.connect(new StdioServerTransport());
 */
export function createServer(db: AgentDB, options?: ServerOptions): McpServer {
  if (!(db instanceof AgentDB)) throw invalidArgument('createServer needs an open AgentDB');
  const { readOnly, scope } = resolveServerOptions(options);
  const server = new McpServer(
    { name: 'agentdb', title: 'AgentDB', version: packageVersion() },
    { instructions: INSTRUCTIONS, capabilities: { tools: {}, resources: {} } },
  );
  const ctx: ToolContext = { db, scope };
  for (const tool of TOOLS) if (!readOnly || tool.access === 'read') tool.register(server, ctx);
  registerRunResources(server, ctx);
  return server;
}
