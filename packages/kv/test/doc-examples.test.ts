import { join } from 'node:path';
import { Database } from '@agentdb/engine';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { KVStore } from '../src/index.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh database.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['KVStore', 'KVView'],
    '@agentdb/engine': ['Database', 'MutationHandle'],
    '@agentdb/core': ['Key', 'runRange', 'isAgentDBError'],
  },
  fixtureType: '{ db: Database; kv: KVStore; handle: (page: string[]) => void }',
  async open() {
    const db = await Database.open();
    return { fixtures: { db, kv: new KVStore(db), handle: () => {} }, dispose: () => db.close() };
  },
  inTransaction: (code) => `await db.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
