import type { Value } from '@agentdb/core';
import { type PrimitiveSubject, refusalsOf } from '@agentdb/engine/primitive-contract';
import { badKeyStrings, badValues } from '@agentdb/engine/testing';
import { KVStore } from './kv-store.js';
import type { KVView } from './kv-view.js';

/**
 * KVStore as the subject of the primitive contract (`primitiveContract` of
 * `@agentdb/engine/primitive-contract`): how the suite builds it, calls every method with a run id,
 * and which calls through a view must be refused. Its tests run it on LMDB; give it another `open` to
 * run it on another engine (`primitiveContract({ ...kvContractSubject, open })`, as `@agentdb/postgres` does).
 * Test code: the suite imports vitest.
 *
 * @example
 * const kv = kvContractSubject.create(db); // a KVStore, as the suite builds it
 */
export const kvContractSubject: PrimitiveSubject<KVStore, KVView> = {
  name: 'KVStore',
  create: (engine) => new KVStore(engine),
  in: (kv, tx, runId) => kv.in(tx, runId),
  seed: (kv, run) => kv.put(run, 'existing', { keep: true }),
  byRun: {
    get: (kv, run) => kv.get(run, 'k'),
    put: (kv, run) => kv.put(run, 'k', 1),
    delete: (kv, run) => kv.delete(run, 'existing'),
    exists: (kv, run) => kv.exists(run, 'k'),
    getMany: (kv, run) => kv.getMany(run, ['k']),
    'getMany (no keys)': (kv, run) => kv.getMany(run, []),
    list: (kv, run) => kv.list(run),
    listWithValues: (kv, run) => kv.listWithValues(run, { prefix: 'e' }),
  },
  viewCalls: {
    get: (v) => v.get('existing'),
    put: (v) => v.put('k', 1),
    delete: (v) => v.delete('existing'),
    exists: (v) => v.exists('existing'),
    getMany: (v) => v.getMany(['existing']),
    list: (v) => v.list(),
    listWithValues: (v) => v.listWithValues(),
  },
  write: (v) => v.put('probe', 1),
  written: (kv, run) => kv.exists(run, 'probe'),
  refusals: [
    ...refusalsOf<KVView>(
      badKeyStrings(),
      'put of a key that is',
      (v, key) => v.put(key as string, 1),
      'INVALID_ARGUMENT',
    ),
    ...refusalsOf<KVView>(
      badValues(),
      'put of a value with',
      (v, value) => v.put('existing', value as Value),
      'INVALID_VALUE',
    ),
    ['put with a misspelt option', (v) => v.put('existing', 2, { ttl: 5 } as never), 'INVALID_ARGUMENT'],
    ['list with limit 0', (v) => v.list({ limit: 0 }), 'INVALID_ARGUMENT'],
  ],
};
