import { join } from 'node:path';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { AgentDBError, encodeValue, registerTypeTag } from '../src/index.js';

// Every @example of src/ and every ts block of the README, compiled and run. Core has no storage: its
// examples work on the plain inputs below, the kind a primitive hands the core's checks.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': [
      'AgentDBError',
      'EncodedKey',
      'HostileOutcome',
      'Key',
      'TypeTag',
      'checkOptions',
      'decodeValue',
      'encodeValue',
      'isAgentDBError',
      'runIdOfKey',
      'snapshotValue',
      'tagRange',
    ],
    vitest: ['expect'],
  },
  fixtureType: `{
    o: Record<string, unknown>; opts: Record<string, unknown>; input: unknown; copy: Record<string, unknown>;
    fn: unknown; err: unknown; userKey: string; runId: string; id: string; r: string; bytes: Uint8Array
  }`,
  async open() {
    registerTypeTag(0x10, 'queue'); // the extension tag the examples use
    return {
      fixtures: {
        o: {
          limit: 10,
          batchSize: 256,
          since: 0,
          ttlMs: 1000,
          recursive: true,
          durability: 'strict',
          id: 'trace-1',
        },
        opts: { limit: 10 } as Record<string, unknown>,
        input: { type: 'thought', content: 'search first' },
        copy: { limit: 10 },
        fn: () => 1,
        err: new AgentDBError('NOT_FOUND', 'no such run'),
        userKey: 'plan',
        runId: 'run-1',
        id: 'trace-1',
        r: 'run-1',
        bytes: encodeValue({ v: 1, phase: 'planning' }),
      },
      dispose: async () => {},
    };
  },
  seeds: {
    'src/value.ts snapshotValue': async ({ opts }) => {
      opts.metadata = { model: 'm-1' };
    },
  },
});
