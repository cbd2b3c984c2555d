import { join } from 'node:path';
import { Key } from '@agentdb/core';
import pg from 'pg';
import { inject } from 'vitest';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { PostgresDatabase } from '../src/index.js';
import { createPool } from '../src/pools.js';
import { statements } from '../src/sql.js';
import { freshSchema } from './helpers/engine.js';

// Every @example of src/ and every ts block of the README, compiled and run against the test run's
// PostgreSQL server (test/global-setup.ts): every server address an example names becomes that
// server's, in a fresh schema; `engine` is an engine on it holding run-1's KV entries `plan`, `a`, `b`.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['PostgresDatabase'],
    '@agentdb/primitives': ['AgentDB'],
    '@agentdb/engine': ['MutationHandle'],
    '@agentdb/core': ['EncodedKey', 'Key', 'TypeTag', 'Value', 'runRange', 'tagRange'],
    '../src/sql.js': ['Statements'],
    pg: ['default as pg'],
    vitest: ['expect'],
  },
  fixtureType: `{
    engine: PostgresDatabase; db: PostgresDatabase; pgUrl: string; url: string; run: string; key: EncodedKey;
    counter: EncodedKey; counterKey: EncodedKey; countKey: EncodedKey; ka: EncodedKey; kb: EncodedKey;
    lastSeen: number; signal: AbortSignal; bytes: Uint8Array; result: Value; pool: pg.Pool; client: pg.Client;
    sql: Statements; server: { url: string }
  }`,
  rewrite: (code) =>
    code.replace(/'postgres:\/\/[^']*'/g, 'pgUrl').replaceAll('process.env.DATABASE_URL!', 'pgUrl'),
  async open() {
    const url = inject('pgUrl');
    const schema = freshSchema();
    const engine = await PostgresDatabase.open({ connectionString: url, schema, sweepIntervalMs: 0 });
    const run = 'run-1';
    await engine.transaction((tx) => {
      tx.put(Key.kv(run, 'plan'), ['search', 'answer']);
      tx.put(Key.kv(run, 'a'), 1);
      tx.put(Key.kv(run, 'b'), 2);
    });
    const pool = createPool(url, 2, 10_000);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return {
      fixtures: {
        engine,
        db: engine,
        pgUrl: `${url}?schema=${freshSchema()}`,
        url,
        run,
        key: Key.kv(run, 'plan'),
        counter: Key.kv(run, 'counter'),
        counterKey: Key.kv(run, 'seq'),
        countKey: Key.kv(run, 'count'),
        ka: Key.kv(run, 'a'),
        kb: Key.kv(run, 'b'),
        lastSeen: 0,
        signal: AbortSignal.timeout(300),
        bytes: new Uint8Array(16),
        result: { hits: 3 },
        pool,
        client,
        sql: statements(schema),
        server: { url },
      },
      async dispose() {
        await client.end();
        await pool.end();
        await engine.close();
      },
    };
  },
  inTransaction: (code) => `await engine.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
