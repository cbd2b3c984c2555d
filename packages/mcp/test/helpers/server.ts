import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** The built program (turbo's test task builds first): tests drive what users run. */
export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

/** A connected MCP client and how to end its session. */
export interface Session {
  client: Client;
  close(): Promise<void>;
}

/** A fresh database directory, removed by the returned `remove`. */
export function databaseDir(): { dir: string; remove(): void } {
  const dir = tempDir('agentdb-mcp-');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function newClient(): Client {
  return new Client({ name: 'agentdb-mcp-test', version: '1.0.0' });
}

/**
 * Spawns `agentdb-mcp <dir> …args` and connects the SDK's client to it over stdio. `stderr` collects
 * what the server printed there.
 *
 * @example
 * const s = await stdioSession(dir, ['--read-only']);
 * await s.client.listTools();
 * await s.close();
 */
export async function stdioSession(
  dir: string,
  args: string[] = [],
): Promise<Session & { stderr: () => string; pid: () => number | null }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, dir, ...args],
    env: { ...getDefaultEnvironment() },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = newClient();
  await client.connect(transport);
  return { client, close: () => client.close(), stderr: () => stderr, pid: () => transport.pid };
}

/** A server process serving over HTTP. */
export interface HttpServerProcess {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** Runs the built program to its end: exit code and output (for refusals at start-up). */
export function runToEnd(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: 'pipe' });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  child.stdin.end();
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Spawns `agentdb-mcp <dir> --http --port 0 …args` and waits for the URL it prints.
 *
 * @example
 * const server = await startHttpServer(dir);
 * const s = await httpSession(server.url);
 */
export async function startHttpServer(
  dir: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [BIN, dir, '--http', '--port', '0', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = / at (http:\/\/\S+\/mcp)/.exec(stderr);
      if (match) resolve(match[1]!);
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    url,
    child,
    stderr: () => stderr,
    async stop() {
      child.kill('SIGTERM');
      return closed;
    },
  };
}

/**
 * Connects the SDK's client to an HTTP server; `close` ends the session on the server too.
 *
 * @example
 * const s = await httpSession(server.url, { token: 'secret' });
 */
export async function httpSession(url: string, opts: { token?: string } = {}): Promise<Session> {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    ...(opts.token === undefined
      ? {}
      : { requestInit: { headers: { Authorization: `Bearer ${opts.token}` } } }),
  });
  const client = newClient();
  await client.connect(transport);
  return {
    client,
    async close() {
      await transport.terminateSession();
      await client.close();
    },
  };
}
