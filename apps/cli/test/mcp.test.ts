import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB } from '@agentdb/primitives';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentdb, CLI } from './helpers/cli.js';

describe('agentdb <dir> mcp', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('agentdb-cli-mcp-');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the database over stdio to an MCP client', async () => {
    const client = new Client({ name: 'cli-test', version: '1' });
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI, dir, 'mcp'], stderr: 'pipe' }),
    );
    try {
      expect((await client.listTools()).tools).toHaveLength(24);
      const put = await client.callTool({
        name: 'kv_put',
        arguments: { run_id: 'cli', key: 'k', value: [1, 2] },
      });
      expect(put.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    const db = await AgentDB.open({ path: dir, readOnly: true });
    expect(await db.kv.get('cli', 'k')).toEqual([1, 2]);
    await db.close();
  });

  it('serves Streamable HTTP with --http, read-only with --read-only, until interrupted', async () => {
    await AgentDB.open({ path: dir }).then((db) => db.close());
    const child = spawn(process.execPath, [CLI, dir, 'mcp', '--http', '--port', '0', '--read-only'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString('utf8');
        const match = / at (http:\/\/127\.0\.0\.1:\d+\/mcp), read-only/.exec(stderr);
        if (match) resolve(match[1]!);
      });
      child.on('close', () => reject(new Error(stderr)));
    });
    const client = new Client({ name: 'cli-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('kv_get');
    expect(names).not.toContain('kv_put');
    await client.close();
    child.kill('SIGINT');
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
  });

  it('prints its own options with --help, and refuses bad ones as usage errors', async () => {
    const help = await agentdb([dir, 'mcp', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: agentdb <dir> mcp [options]');
    expect(help.stdout).toContain('--runs <list>');
    const bad = await agentdb([dir, 'mcp', '--token', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('agentdb: --token applies only with --http\n');
  });
});
