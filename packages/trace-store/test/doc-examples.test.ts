import { join } from 'node:path';
import { Database } from '@agentdb/engine';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { type Trace, TraceStore } from '../src/index.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh database
// that holds one root trace (`root`, recorded at `t0`).
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['TraceStore', 'TraceStoreView', 'Trace', 'cursorOf', 'typeName', 'validateTraceType'],
    '@agentdb/engine': ['Database'],
    '@agentdb/core': ['Key'],
  },
  fixtureType:
    '{ db: Database; traces: TraceStore; run: string; root: string; t0: number; now: number; render: (page: Trace[]) => void }',
  async open() {
    const db = await Database.open();
    const traces = new TraceStore(db);
    const t0 = db.clock();
    const root = await traces.record('run-1', { type: 'thought', content: 'plan' }, { id: 'root-1' });
    return {
      fixtures: { db, traces, run: 'run-1', root, t0, now: t0 + 1, render: (_page: Trace[]) => {} },
      dispose: () => db.close(),
    };
  },
  inTransaction: (code) => `await db.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
