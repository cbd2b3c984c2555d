import { join } from 'node:path';
import { Database } from '@agentdb/engine';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { EventLog } from '../src/index.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh database.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': [
      'EventLog',
      'EventLogView',
      'Event',
      'GENESIS_HASH',
      'chainHash',
      'hashPrefix',
      'hashedBytes',
    ],
    '@agentdb/engine': ['Database', 'MutationHandle'],
    '@agentdb/core': ['Key', 'encodeValue', 'Value'],
    'node:crypto': ['createHash'],
  },
  fixtureType: '{ db: Database; events: EventLog; plan: Value }',
  async open() {
    const db = await Database.open();
    return {
      fixtures: { db, events: new EventLog(db), plan: ['search', 'answer'] },
      dispose: () => db.close(),
    };
  },
  seeds: {
    // Live tails stop at a `done` event, which another writer would append.
    'src/event-log.ts EventLog.iter': ({ events }) => events.append('run-1', 'done', {}),
    'README.md "## Methods" #2': ({ events }) => events.append('run-1', 'done', {}),
  },
  inTransaction: (code) => `await db.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
