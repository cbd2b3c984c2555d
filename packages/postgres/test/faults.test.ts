import { Key } from '@agentdb/core';
import type { MutationHandle } from '@agentdb/engine';
import { AgentDB, type Event } from '@agentdb/primitives';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresDatabase } from '../src/index.js';
import { freePort, schemaExists, startServer, type TestServer } from '../src/testing.js';
import { type CuttingProxy, startCuttingProxy } from './helpers/cutting-proxy.js';
import { freshSchema } from './helpers/engine.js';

// Its own server: these tests cut and terminate connections.
let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

const viaPort = (port: number) => server.url.replace(`:${server.port}/`, `:${port}/`);

describe('a connection lost during COMMIT', () => {
  let proxy: CuttingProxy;
  let db: AgentDB<PostgresDatabase>;
  beforeAll(async () => {
    proxy = await startCuttingProxy(server.port);
  });
  afterAll(() => proxy.close());
  afterEach(() => db?.close());

  for (const cut of ['after-commit', 'before-commit'] as const) {
    it(`(${cut === 'after-commit' ? 'the server committed, the reply is lost' : 'COMMIT never reached the server'}): the transaction succeeds, exactly once`, async () => {
      const schema = freshSchema();
      db = new AgentDB(await PostgresDatabase.open({ connectionString: viaPort(proxy.port), schema }));
      await db.runs.createRun({ runId: 'r' });
      const cutsBefore = proxy.cuts;
      proxy.arm(cut);
      let pending!: MutationHandle<Event>;
      await db.transaction('r', async (tx) => {
        await tx.kv.put('k', 1);
        pending = tx.events.append('once', {});
      });
      expect(proxy.cuts).toBe(cutsBefore + 1);
      expect((await pending).sequence).toBe(0);
      expect(await db.kv.get('r', 'k')).toBe(1);
      expect(await db.events.len('r')).toBe(1);
      expect(await db.engine.verify()).toEqual({ ok: true, problems: [] });
      let commits = 0;
      for await (const _ of db.engine.changes()) commits++;
      expect(commits).toBe(2); // createRun, then the transaction: once
    });
  }
});

describe('backends terminated mid-workload (pg_terminate_backend)', () => {
  it('fails only affected transactions, with STORAGE; the engine reconnects by itself; nothing half-applied', async () => {
    const engine = await PostgresDatabase.open({
      connectionString: server.url,
      schema: freshSchema(),
      sweepIntervalMs: 0,
    });
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    const counter = Key.kv('r', 'counter');
    const outcomes: (string | number)[] = [];
    const worker = async (w: number) => {
      for (let i = 0; i < 25; i++) {
        try {
          await engine.transaction(async (tx) => {
            await tx.get(Key.kv('r', `w${w}`)); // a read: holds a snapshot connection
            tx.put(Key.kv('r', `w${w}-${i}`), i);
            tx.mutate(counter, (n) => ({ value: Number(n ?? 0) + 1, result: undefined }));
          });
          outcomes.push(`${w}-${i}`);
        } catch (error) {
          outcomes.push((error as { code?: string }).code ?? String(error));
        }
      }
    };
    const work = Promise.all(Array.from({ length: 8 }, (_, w) => worker(w)));
    for (let round = 0; round < 5; round++) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'agentdb' AND pid <> pg_backend_pid()",
      );
    }
    await work;
    await admin.end();
    const failures = outcomes.filter((o) => !/^\d+-\d+$/.test(String(o)));
    for (const f of failures) expect(f).toBe('STORAGE');
    const committed = outcomes.length - failures.length;
    // The same engine still works, and what committed is exactly what was acknowledged.
    await engine.transaction((tx) => tx.put(Key.kv('r', 'after'), true));
    expect(await engine.get(counter)).toBe(committed);
    expect(await engine.get(Key.kv('r', 'after'))).toBe(true);
    expect(await engine.verify()).toEqual({ ok: true, problems: [] });
    await engine.close();
  });
});

describe('open refuses what it cannot use, with a clear error', () => {
  const bad: [string, unknown][] = [
    ['a string that is not a URL', 'localhost:5432'],
    ['another scheme', 'mysql://root@localhost/db'],
    ['an empty string', ''],
    ['a number', 5432],
    ['a URL without a host', 'postgres:///db'],
  ];
  it.each(bad)('INVALID_ARGUMENT for %s', async (_, connectionString) => {
    await expect(PostgresDatabase.open({ connectionString } as never)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('INVALID_ARGUMENT for a bad schema name, a misspelt option, no options', async () => {
    for (const opts of [
      { connectionString: server.url, schema: 'Bad-Name' },
      { connectionString: server.url, pool: 3 },
      undefined,
    ]) {
      await expect(PostgresDatabase.open(opts as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });

  it('STORAGE naming the cause: a missing database, wrong credentials, nothing listening', async () => {
    const url = new URL(server.url);
    const missing = new URL(url);
    missing.pathname = '/no_such_database';
    const wrongPassword = new URL(url);
    wrongPassword.password = 'wrong';
    const cases: [string, RegExp][] = [
      [missing.href, /database does not exist/],
      [wrongPassword.href, /refused the credentials/],
      [viaPort(await freePort()), /nothing is listening/],
    ];
    for (const [connectionString, message] of cases) {
      const error = await PostgresDatabase.open({ connectionString }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({ code: 'STORAGE' });
      expect(String((error as Error).message)).toMatch(message);
      expect(String((error as Error).message)).not.toContain('agentdb-test'); // no password in messages
    }
  });
});

describe('open without create', () => {
  it('is NOT_FOUND on a schema without AgentDB tables, and creates nothing', async () => {
    const schema = freshSchema();
    await expect(
      PostgresDatabase.open({ connectionString: server.url, schema, create: false }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await schemaExists(server.url, schema)).toBe(false);
  });

  it('opens a schema named in the URL (?schema=) that exists', async () => {
    const schema = freshSchema();
    const created = await PostgresDatabase.open({ connectionString: `${server.url}?schema=${schema}` });
    await created.transaction((tx) => tx.put(Key.kv('r', 'k'), 1));
    await created.close();
    const again = await PostgresDatabase.open({
      connectionString: `${server.url}?schema=${schema}`,
      create: false,
    });
    expect(again.location).toBe(`postgres://postgres@127.0.0.1:${server.port}/postgres?schema=${schema}`);
    expect(await again.get(Key.kv('r', 'k'))).toBe(1);
    await again.close();
  });
});
