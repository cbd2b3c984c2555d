import { join } from 'node:path';
import { Database } from '@agentdb/engine';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { StateCell } from '../src/index.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh database.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['StateCell', 'StateCellView', 'State'],
    '@agentdb/engine': ['Database'],
    '@agentdb/core': ['Key', 'isAgentDBError', 'Value'],
  },
  fixtureType: '{ db: Database; state: StateCell; run: string; input: unknown; plan: Value; cost: number }',
  async open() {
    const db = await Database.open();
    const state = new StateCell(db);
    return {
      fixtures: { db, state, run: 'run-1', input: { step: 1 }, plan: ['search', 'answer'], cost: 3 },
      dispose: () => db.close(),
    };
  },
  seeds: {
    'src/state-cell-view.ts StateCellView.cas': async ({ state }) => {
      await state.init('run-1', 'phase', 'planning');
      await state.set('run-1', 'phase', 'acting');
    },
    'src/state-cell-view.ts StateCellView.transition': ({ state }) => state.init('run-1', 'counter', 0),
    'src/state-cell.ts StateCell.cas': ({ state }) => state.init('run-1', 'phase', 'planning'),
    'src/state-cell.ts StateCell.transition': ({ state }) => state.init('run-1', 'counter', 0),
    'README.md "## Methods" #2': ({ state }) => state.init('run-1', 'leader', 'agent-1'),
    'README.md "### In a transaction"': async ({ state }) => {
      await state.init('run-1', 'phase', 'planning');
      await state.set('run-1', 'phase', 'researching');
      await state.set('run-1', 'phase', 'deciding');
    },
    'README.md "## The purity rule for `transition`"': ({ state }) => state.init('run-1', 'budget', 10),
  },
  inTransaction: (code) => `await db.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
