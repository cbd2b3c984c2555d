import { type ErrorCode, isAgentDBError, Key, systemRange } from '@agentdb/core';
import { badRunIds, dumpStore } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import type { RunIndex, RunStatus } from '../src/index.js';
import { keysIn, type RunsFixture, rejectionOf, useRuns } from './helpers.js';

type Call = (runs: RunIndex) => Promise<unknown>;

/** Every key in the store with its value, to prove a refusal changed nothing. */
const everything = (f: RunsFixture) => dumpStore(f.db);

const BAD_RUN_IDS = badRunIds();

const BAD_TAG_LISTS: [string, unknown][] = [
  ['not an array', 'prod'],
  ['an empty tag', ['ok', '']],
  ['a 513-byte tag', ['t'.repeat(513)]],
  ['a number tag', [1]],
  ['a NUL in a tag', ['a\u0000b']],
  ['null', null],
];

/** Every public method that takes a run id, called with `id`. */
const BY_RUN_ID: [string, (runs: RunIndex, id: string) => Promise<unknown>][] = [
  ['getRun', (r, id) => r.getRun(id)],
  ['exists', (r, id) => r.exists(id)],
  ['updateStatus', (r, id) => r.updateStatus(id, 'paused')],
  ['completeRun', (r, id) => r.completeRun(id)],
  ['failRun', (r, id) => r.failRun(id, 'x')],
  ['pauseRun', (r, id) => r.pauseRun(id)],
  ['resumeRun', (r, id) => r.resumeRun(id)],
  ['cancelRun', (r, id) => r.cancelRun(id)],
  ['archiveRun', (r, id) => r.archiveRun(id)],
  ['addTags', (r, id) => r.addTags(id, ['t'])],
  ['removeTags', (r, id) => r.removeTags(id, ['t'])],
  ['updateMetadata', (r, id) => r.updateMetadata(id, {})],
  ['getChildRuns', (r, id) => r.getChildRuns(id)],
  ['deleteRun', (r, id) => r.deleteRun(id)],
  ['createRun({ runId })', (r, id) => r.createRun({ runId: id })],
  ['createRun({ parentRunId })', (r, id) => r.createRun({ runId: 'new', parentRunId: id })],
];

const CASES: [string, Call, ErrorCode][] = [
  ...BY_RUN_ID.filter(([method]) => method.startsWith('createRun')).flatMap(([method, call]) =>
    // For createRun an undefined id just means "the default" (a new id / no parent).
    BAD_RUN_IDS.filter(([, id]) => id !== undefined).map(([what, id]): [string, Call, ErrorCode] => [
      `${method} with a run id that is ${what}`,
      (r) => call(r, id as string),
      'INVALID_ARGUMENT',
    ]),
  ),
  // Runs that do not exist.
  ...BY_RUN_ID.filter(([m]) => !['getRun', 'exists', 'getChildRuns', 'createRun({ runId })'].includes(m)).map(
    ([method, call]): [string, Call, ErrorCode] => [
      `${method} of a missing run`,
      (r) => call(r, 'ghost'),
      'NOT_FOUND',
    ],
  ),
  ['createRun with a duplicate id', (r) => r.createRun({ runId: 'base' }), 'ALREADY_EXISTS'],
  // Statuses.
  ...['done', '', 'ACTIVE', null, 3].map((s): [string, Call, ErrorCode] => [
    `updateStatus to ${JSON.stringify(s)}`,
    (r) => r.updateStatus('base', s as RunStatus),
    'INVALID_ARGUMENT',
  ]),
  [
    'updateStatus with an error but not failed',
    (r) => r.updateStatus('base', 'completed', { error: 'x' }),
    'INVALID_ARGUMENT',
  ],
  [
    'updateStatus with a non-string error',
    (r) => r.updateStatus('base', 'failed', { error: 7 as unknown as string }),
    'INVALID_ARGUMENT',
  ],
  [
    'updateStatus with an unknown option',
    (r) => r.updateStatus('base', 'failed', { reason: 'x' } as object),
    'INVALID_ARGUMENT',
  ],
  [
    'failRun without an error',
    (r) => (r.failRun as (id: string) => Promise<unknown>)('base'),
    'INVALID_ARGUMENT',
  ],
  [
    'failRun with an Error object',
    (r) => r.failRun('base', new Error('x') as unknown as string),
    'INVALID_ARGUMENT',
  ],
  [
    'an invalid transition',
    (r) => r.archiveRun('done').then(() => r.completeRun('done')),
    'INVALID_TRANSITION',
  ],
  // Tags.
  ...BAD_TAG_LISTS.flatMap(([what, tags]): [string, Call, ErrorCode][] => [
    [
      `createRun with tags ${what}`,
      (r) => r.createRun({ runId: 'new', tags: tags as string[] }),
      'INVALID_ARGUMENT',
    ],
    [`addTags with ${what}`, (r) => r.addTags('base', tags as string[]), 'INVALID_ARGUMENT'],
    [`removeTags with ${what}`, (r) => r.removeTags('base', tags as string[]), 'INVALID_ARGUMENT'],
  ]),
  // Other createRun options.
  ['createRun with an empty name', (r) => r.createRun({ runId: 'new', name: '' }), 'INVALID_ARGUMENT'],
  [
    'createRun with a number name',
    (r) => r.createRun({ runId: 'new', name: 5 as unknown as string }),
    'INVALID_ARGUMENT',
  ],
  [
    'createRun with a typo option',
    (r) => r.createRun({ runId: 'new', parentId: 'base' } as object),
    'INVALID_ARGUMENT',
  ],
  ['createRun with non-object options', (r) => r.createRun('new' as unknown as object), 'INVALID_ARGUMENT'],
  [
    'createRun with a function in metadata',
    (r) => r.createRun({ runId: 'new', metadata: { f: () => 1 } as never }),
    'INVALID_VALUE',
  ],
  [
    'createRun with a Map as metadata',
    (r) => r.createRun({ runId: 'new', metadata: new Map() as never }),
    'INVALID_VALUE',
  ],
  ['updateMetadata with undefined', (r) => r.updateMetadata('base', undefined as never), 'INVALID_VALUE'],
  [
    'updateMetadata with a cycle',
    (r) => {
      const a: { self?: unknown } = {};
      a.self = a;
      return r.updateMetadata('base', a as never);
    },
    'INVALID_VALUE',
  ],
  [
    'updateMetadata over the size limit',
    (r) => r.updateMetadata('base', 'x'.repeat(17 * 1024 * 1024)),
    'INVALID_VALUE',
  ],
  // deleteRun options and queries.
  [
    'deleteRun with recursive: "yes"',
    (r) => r.deleteRun('base', { recursive: 'yes' as unknown as boolean }),
    'INVALID_ARGUMENT',
  ],
  [
    'deleteRun with an unknown option',
    (r) => r.deleteRun('base', { force: true } as object),
    'INVALID_ARGUMENT',
  ],
  ['deleteRun of a parent without recursive', (r) => r.deleteRun('parent'), 'INVALID_ARGUMENT'],
  [
    'queryRuns with an unknown status',
    (r) => r.queryRuns({ status: 'done' as RunStatus }),
    'INVALID_ARGUMENT',
  ],
  ['queryRuns with limit 0', (r) => r.queryRuns({ limit: 0 }), 'INVALID_ARGUMENT'],
  ['queryRuns with a bad tag', (r) => r.queryRuns({ tag: '' }), 'INVALID_ARGUMENT'],
];

describe('bad input is refused with the documented code, and the store is unchanged', () => {
  const f = useRuns({ shared: true });

  it.each(CASES.map(([name, call, code]) => ({ name, call, code })))(
    '$name → $code',
    async ({ name, call, code }) => {
      if (!(await f.runs.exists('base'))) {
        await f.runs.createRun({ runId: 'base', tags: ['t'] });
        await f.runs.createRun({ runId: 'parent' });
        await f.runs.createRun({ runId: 'kid', parentRunId: 'parent' });
        await f.runs.createRun({ runId: 'done' });
        await f.db.transaction((tx) => tx.put(Key.kv('base', 'data'), 1));
      }
      const before = await everything(f);
      const error = await rejectionOf(call(f.runs));
      expect(isAgentDBError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
      // The one case that legitimately writes first is the archive before the invalid transition.
      if (name !== 'an invalid transition') expect(await everything(f)).toStrictEqual(before);
    },
  );

  it('the run index keys are exactly those of the four fixture runs', async () => {
    const ids = new Set((await keysIn(f.db, systemRange('record'))).map((k) => k.parts[1]));
    expect([...ids].sort()).toStrictEqual(['base', 'done', 'kid', 'parent']);
  });
});
