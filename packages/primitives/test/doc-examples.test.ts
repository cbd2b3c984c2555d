import { join } from 'node:path';
import { Database } from '@agentdb/engine';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import type { PrimitivesSubject } from '../src/contract/index.js';
import { AgentDB } from '../src/index.js';

/** A fresh AgentDB in memory mode, for the examples that open one through a subject. */
const subject: PrimitivesSubject = {
  async open({ clock }) {
    let db = new AgentDB(await Database.open({ clock }));
    return {
      db,
      async reopen() {
        await db.close();
        db = new AgentDB(await Database.open({ clock }));
        return db;
      },
      dispose: () => db.close(),
    };
  },
};

// Every @example of src/ and every ts block of the README, compiled and run against a fresh AgentDB
// whose run `run-1` exists in the run index and holds the cell `phase` at version 1.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['AgentDB', 'AgentTransaction', 'Database', 'Event', 'Value'],
    '../src/contract/index.js': ['PrimitivesSubject', 'openFixture', 'rejectionOf'],
    vitest: ['expect'],
  },
  fixtureType: '{ db: AgentDB; runId: string; run: string; plan: Value; subject: PrimitivesSubject }',
  async open() {
    const db = await AgentDB.open();
    await db.runs.createRun({ runId: 'run-1' });
    await db.state.init('run-1', 'phase', 'planning');
    return {
      fixtures: { db, runId: 'run-1', run: 'run-1', plan: ['search', 'answer'], subject },
      dispose: () => db.close(),
    };
  },
  seeds: {
    'src/agent-db.ts AgentTransaction.state': (f) => phaseAt(f.db, 3),
    'src/agent-db.ts AgentDB.transaction': (f) => phaseAt(f.db, 3),
    'src/contract/subject.ts rejectionOf': (f) => f.db.state.init('run-1', 'x', 1),
  },
  inTransaction: (code) => `await db.transaction('run-1', async (tx) => {\n${code}\n});`,
});

/** Moves run-1's cell `phase` up to `version`. */
async function phaseAt(db: AgentDB, version: number): Promise<void> {
  while ((await db.state.read('run-1', 'phase'))!.version < version)
    await db.state.set('run-1', 'phase', 'next');
}
