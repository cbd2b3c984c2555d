import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, ok, refused, withLibrary } from './helpers/calls.js';
import {
  databaseDir,
  type HttpServerProcess,
  httpSession,
  runToEnd,
  startHttpServer,
  stdioSession,
} from './helpers/server.js';
import { READ_TOOLS } from './helpers/tour.js';

const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

/** One raw POST of an initialize request, with the headers a browser or an attacker would choose. */
function post(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          ...headers,
        },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString('utf8');
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(INITIALIZE);
  });
}

/** A database with runs a, b and job-1, each holding one key, written with an unconfined server. */
async function seeded() {
  const db = databaseDir();
  const s = await stdioSession(db.dir);
  for (const run of ['a', 'b', 'job-1']) {
    await ok(s.client, 'runs_create', { run_id: run });
    await ok(s.client, 'kv_put', { run_id: run, key: 'k', value: run });
  }
  await s.close();
  return db;
}

describe('--read-only', () => {
  let db: ReturnType<typeof databaseDir>;
  beforeAll(async () => {
    db = await seeded();
  });
  afterAll(() => db.remove());

  it('offers only the reading tools, refuses the others, and writes nothing', async () => {
    const before = await fingerprint(db.dir);
    const s = await stdioSession(db.dir, ['--read-only']);
    try {
      expect((await s.client.listTools()).tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS].sort());
      expect(await ok(s.client, 'kv_get', { run_id: 'a', key: 'k' })).toEqual({ found: true, value: 'a' });
      for (const name of ['kv_put', 'transaction', 'runs_create']) {
        const result = await s.client.callTool({ name, arguments: { run_id: 'a', key: 'k', value: 2 } });
        expect(result.isError, name).toBe(true);
        expect(JSON.stringify(result.content), name).toContain(`Tool ${name} not found`);
      }
      expect((await s.client.listResources()).resources.length).toBe(9);
    } finally {
      await s.close();
    }
    expect(await fingerprint(db.dir)).toEqual(before);
  });

  it('refuses a directory that holds no database', async () => {
    const { code, stderr } = await runToEnd([`${db.dir}/missing`, '--read-only']);
    expect(code).toBe(2);
    expect(stderr).toContain('no such directory');
  });
});

describe('--runs', () => {
  let db: ReturnType<typeof databaseDir>;
  beforeAll(async () => {
    db = await seeded();
  });
  afterAll(() => db.remove());

  it('confines every tool, listing and resource to the given runs and prefixes', async () => {
    const s = await stdioSession(db.dir, ['--runs', 'a,job-*']);
    const { client } = s;
    try {
      expect(await ok(client, 'kv_get', { run_id: 'a', key: 'k' })).toEqual({ found: true, value: 'a' });
      expect(await ok(client, 'kv_get', { run_id: 'job-1', key: 'k' })).toEqual({
        found: true,
        value: 'job-1',
      });
      await ok(client, 'kv_put', { run_id: 'job-2', key: 'k', value: 2 });

      const before = await fingerprint(db.dir);
      for (const [tool, args] of [
        ['kv_get', { run_id: 'b', key: 'k' }],
        ['kv_put', { run_id: 'b', key: 'k', value: 'overwritten' }],
        ['runs_complete', { run_id: 'b' }],
        ['runs_create', { run_id: 'c' }],
        ['runs_create', { run_id: 'job-3', parent_run_id: 'b' }],
        ['runs_list', { parent_run_id: 'b' }],
        ['events_verify', { run_id: 'b' }],
        ['transaction', { run_id: 'b', operations: [{ op: 'kv_delete', key: 'k' }] }],
        ['transaction', { run_id: 'job-3', operations: [{ op: 'runs_create', parent_run_id: 'b' }] }],
      ] as const) {
        const error = await refused(client, tool, args);
        expect(error.code, tool).toBe('INVALID_ARGUMENT');
        expect(error.message, tool).toContain(`outside this server's scope`);
      }
      expect(await fingerprint(db.dir)).toEqual(before);

      const fresh = (await ok(client, 'runs_create', { name: 'generated' })).run;
      expect(fresh.run_id).toMatch(/^job-[A-Za-z0-9_-]{21}$/);
      const listed = (await ok(client, 'runs_list', { limit: 1 })).runs.map(
        (r: { run_id: string }) => r.run_id,
      );
      expect(listed).toEqual(['a']);
      const all = (await ok(client, 'runs_list', {})).runs.map((r: { run_id: string }) => r.run_id);
      expect(all).toEqual(['a', 'job-1', fresh.run_id]);
      const page2 = await ok(client, 'runs_list', {
        limit: 1,
        after: (await ok(client, 'runs_list', { limit: 1 })).next_after,
      });
      expect(page2.runs.map((r: { run_id: string }) => r.run_id)).toEqual(['job-1']);

      const uris = (await client.listResources()).resources.map((r) => r.uri);
      expect(uris.some((u) => u.startsWith('agentdb://runs/b'))).toBe(false);
      expect(uris).toContain('agentdb://runs/a');
      await expect(client.readResource({ uri: 'agentdb://runs/b' })).rejects.toThrow(
        /outside this server's scope/,
      );
    } finally {
      await s.close();
    }
    await withLibrary(db.dir, async (lib) => expect(await lib.kv.get('b', 'k')).toBe('b'));
  });

  it('needs run_id for runs_create when the scope has no prefix', async () => {
    const s = await stdioSession(db.dir, ['--runs', 'a']);
    try {
      expect((await refused(s.client, 'runs_create', { name: 'x' })).message).toMatch(/run_id is required/);
    } finally {
      await s.close();
    }
  });

  it('refuses a malformed list at start-up', async () => {
    const { code, stderr } = await runToEnd([db.dir, '--runs', 'a,../b']);
    expect(code).toBe(2);
    expect(stderr).toContain('INVALID_ARGUMENT');
  });
});

describe('over HTTP', () => {
  const db = databaseDir();
  let open: HttpServerProcess;
  let guarded: HttpServerProcess;
  let fromEnv: HttpServerProcess;

  beforeAll(async () => {
    [open, guarded, fromEnv] = await Promise.all([
      startHttpServer(db.dir),
      startHttpServer(db.dir, ['--token', 's3cret']),
      startHttpServer(db.dir, [], { AGENTDB_MCP_TOKEN: 'from-env' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open.stop(), guarded.stop(), fromEnv.stop()]);
    db.remove();
  });

  it('binds 127.0.0.1 by default', () => {
    for (const s of [open, guarded, fromEnv]) expect(new URL(s.url).hostname).toBe('127.0.0.1');
  });

  it('refuses a rebound host name (the SDK’s Host check) and pages of other origins', async () => {
    const port = new URL(open.url).port;
    const rebound = await post(open.url, { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).toContain('Invalid Host');
    const foreign = await post(open.url, { origin: 'https://attacker.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body).toContain('origin https://attacker.example');
    const sameMachineOtherPort = await post(open.url, { origin: 'http://127.0.0.1:1' });
    expect(sameMachineOtherPort.status).toBe(403);
    // Its own origin and clients outside a browser (no Origin) get through.
    expect((await post(open.url, { origin: `http://localhost:${port}` })).status).toBe(200);
    expect((await post(open.url, {})).status).toBe(200);
  });

  it('with --token, refuses requests without the right bearer token', async () => {
    expect((await post(guarded.url, {})).status).toBe(401);
    expect((await post(guarded.url, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await post(guarded.url, { authorization: 'Basic czNjcmV0' })).status).toBe(401);
    await expect(httpSession(guarded.url)).rejects.toThrow();
    await expect(httpSession(guarded.url, { token: 'wrong' })).rejects.toThrow();
    const s = await httpSession(guarded.url, { token: 's3cret' });
    expect(await ok(s.client, 'kv_put', { run_id: 'auth', key: 'k', value: 1 })).toEqual({ key: 'k' });
    await s.close();
  });

  it('takes the token from AGENTDB_MCP_TOKEN', async () => {
    expect((await post(fromEnv.url, {})).status).toBe(401);
    const s = await httpSession(fromEnv.url, { token: 'from-env' });
    expect((await s.client.listTools()).tools.length).toBe(24);
    await s.close();
  });

  it('will not bind beyond this machine without a token', async () => {
    const { code, stderr } = await runToEnd([db.dir, '--http', '--host', '0.0.0.0', '--port', '0']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/exposes the database beyond this machine; set a token/);
  });

  it('refuses a body larger than 32 MiB with a JSON-RPC error, and keeps serving', async () => {
    const s = await httpSession(open.url);
    const huge = 'z'.repeat(33 * 1024 * 1024);
    await expect(
      s.client.callTool({ name: 'kv_put', arguments: { run_id: 'big', key: 'k', value: huge } }),
    ).rejects.toThrow(/413|too large/i);
    expect(await ok(s.client, 'kv_get', { run_id: 'big', key: 'k' })).toEqual({ found: false });
    await s.close();
  });
});
