import { AgentDB, isAgentDBError } from '@agentdb/primitives';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type ServerOptions, serveHttp } from '../src/index.js';
import { ok } from './helpers/calls.js';
import { databaseDir } from './helpers/server.js';

function refusal(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('createServer, embedded in an agent process', () => {
  let dir: ReturnType<typeof databaseDir>;
  let db: AgentDB;

  beforeEach(async () => {
    dir = databaseDir();
    db = await AgentDB.open({ path: dir.dir });
  });
  afterEach(async () => {
    await db.close();
    dir.remove();
  });

  it('serves the database the process already has open, over any transport', async () => {
    await db.kv.put('r', 'set-by-code', 1n);
    const server = createServer(db);
    const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'embedded', version: '1' });
    await client.connect(clientSide);
    expect(await ok(client, 'kv_get', { run_id: 'r', key: 'set-by-code' })).toEqual({
      found: true,
      value: { $bigint: '1' },
    });
    await ok(client, 'kv_put', { run_id: 'r', key: 'set-by-model', value: { $bytes: 'AQI=' } });
    expect(await db.kv.get('r', 'set-by-model')).toEqual(new Uint8Array([1, 2]));
    // Run ids complete as a user types a resource URI.
    await db.runs.createRun({ runId: 'triage-1' });
    await db.runs.createRun({ runId: 'triage-2' });
    await db.runs.createRun({ runId: 'other' });
    const { completion } = await client.complete({
      ref: { type: 'ref/resource', uri: 'agentdb://runs/{run_id}' },
      argument: { name: 'run_id', value: 'tri' },
    });
    expect(completion.values).toEqual(['triage-1', 'triage-2']);
    await client.close();
    // Closing the server leaves the database to its owner.
    expect(await db.kv.get('r', 'set-by-code')).toBe(1n);
  });

  it.each<[string, unknown]>([
    ['an unknown option', { readonly: true }],
    ['a non-boolean readOnly', { readOnly: 'yes' }],
    ['an empty run list', { runs: [] }],
    ['a bad run id', { runs: ['a/b'] }],
  ])('refuses %s with INVALID_ARGUMENT', (_, options) => {
    expect(
      isAgentDBError(
        refusal(() => createServer(db, options as ServerOptions)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });

  it('refuses anything but an AgentDB', () => {
    expect(
      isAgentDBError(
        refusal(() => createServer(db.engine as unknown as AgentDB)),
        'INVALID_ARGUMENT',
      ),
    ).toBe(true);
  });

  it('serveHttp refuses a public address without a token, and bad ports', async () => {
    await expect(serveHttp(db, { host: '0.0.0.0' })).rejects.toThrow(/set a token/);
    await expect(serveHttp(db, { port: 70_000 })).rejects.toThrow(/port must be/);
    await expect(serveHttp(db, { runs: [] })).rejects.toThrow(/runs must be/);
  });
});
