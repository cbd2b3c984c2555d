import { join } from 'node:path';
import { Database } from '@agentdb/engine';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { RunIndex } from '../src/index.js';

async function createAll(runs: RunIndex, ids: string[]): Promise<void> {
  for (const runId of ids) await runs.createRun({ runId });
}

// Every @example of src/ and every ts block of the README, compiled and run against a fresh database
// whose run index holds the active run `run-1` (created at `t0`).
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': [
      'RunIndex',
      'RunIndexView',
      'RunMetadata',
      'RunStatus',
      'isValidTransition',
      'isRunStatus',
    ],
    '@agentdb/engine': ['Database'],
    '@agentdb/core': ['Key', 'Value'],
  },
  fixtureType: '{ db: Database; runs: RunIndex; t0: number; t1: number }',
  async open() {
    const db = await Database.open();
    const runs = new RunIndex(db);
    const t0 = db.clock();
    await runs.createRun({ runId: 'run-1', tags: ['prod', 'draft'] });
    return { fixtures: { db, runs, t0, t1: t0 + 60_000 }, dispose: () => db.close() };
  },
  seeds: {
    // The README's sections continue the runs its `createRun` section made.
    'README.md "### `updateStatus(runId, status, { error }?)` and the named helpers"': ({ runs }) =>
      createAll(runs, ['triage-1', 'run-2', 'run-3', 'run-4']),
    'README.md "### `addTags(runId, tags)` / `removeTags(runId, tags)` / `updateMetadata(runId, metadata)`"':
      ({ runs }) => runs.createRun({ runId: 'triage-1', tags: ['prod', 'eval'] }),
    'README.md "### `deleteRun(runId, { recursive }?)`"': async ({ runs }) => {
      await createAll(runs, ['triage-1', 'run-2']);
      await runs.createRun({ runId: 'triage-1a', parentRunId: 'triage-1' });
    },
    'README.md "### `in(tx, runId?)` — the transaction view"': ({ runs }) =>
      runs.createRun({ runId: 'run-9' }),
  },
  inTransaction: (code) => `await db.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
