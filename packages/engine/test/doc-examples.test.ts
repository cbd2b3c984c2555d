import { join } from 'node:path';
import { Key, type Value } from '@agentdb/core';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import type { MutationHandle } from '../src/index.js';
import { openTestDatabase } from '../src/testing.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh database
// (a real LMDB directory) holding run-1's KV entries `plan`, `a` and `b` and a state record `phase`.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': [
      'Database',
      'Engine',
      'EngineTransaction',
      'MutationContext',
      'MutationHandle',
      'ReadSource',
      'isEngine',
    ],
    '../src/kit.js': ['backoff', 'sleep', 'timeoutError', 'withDeadline'],
    '../src/testing.js': ['TestDatabase', 'badKeyStrings', 'dumpStore', 'openTestDatabase', 'tempDir'],
    '@agentdb/core': ['EncodedKey', 'Key', 'TypeTag', 'Value', 'runRange', 'tagRange'],
    'fast-check': ['default as fc'],
    vitest: ['expect'],
  },
  fixtureType: `{
    db: Database; t: TestDatabase; run: string; key: EncodedKey; counter: EncodedKey; counterKey: EncodedKey;
    countKey: EncodedKey; a: EncodedKey; b: EncodedKey; lastSeen: number; signal: AbortSignal;
    bytes: Uint8Array; result: Value; handle: MutationHandle<number>; path: string
  }`,
  async open() {
    const t = await openTestDatabase();
    const run = 'run-1';
    await t.db.transaction((tx) => {
      tx.put(Key.kv(run, 'plan'), ['search', 'answer']);
      tx.put(Key.kv(run, 'a'), 1);
      tx.put(Key.kv(run, 'b'), 2);
      tx.put(Key.state(run, 'phase'), { value: 'planning', version: 1 });
    });
    let handle!: MutationHandle<number>;
    await t.db.transaction((tx) => {
      handle = tx.mutate(Key.kv(run, 'n'), (n: Value | undefined) => ({
        value: Number(n ?? 0) + 1,
        result: 1,
      }));
    });
    return {
      fixtures: {
        db: t.db,
        t,
        run,
        key: Key.kv(run, 'counter'),
        counter: Key.kv(run, 'counter'),
        counterKey: Key.kv(run, 'seq'),
        countKey: Key.kv(run, 'count'),
        a: Key.kv(run, 'a'),
        b: Key.kv(run, 'b'),
        lastSeen: 0,
        signal: AbortSignal.timeout(200),
        bytes: new Uint8Array(16),
        result: { hits: 3 },
        handle,
        path: t.path,
      },
      dispose: () => t.dispose(),
    };
  },
  inTransaction: (code) => `await db.transaction(async (tx) => {\n${code}\n}, { runId: 'run-1' });`,
});
