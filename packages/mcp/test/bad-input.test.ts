import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint, ok, refused, withLibrary } from './helpers/calls.js';
import { databaseDir, type Session, stdioSession } from './helpers/server.js';

const RUN = 'r';
const MIB = 1024 * 1024;

/** [what, tool, arguments, code, details the error must carry]. */
type Case = [string, string, Record<string, unknown>, string, Record<string, unknown>?];

const WRONG_TYPES: Case[] = [
  ['a number as run_id', 'kv_put', { run_id: 5, key: 'k', value: 1 }, 'INVALID_ARGUMENT'],
  ['a run id with a slash', 'kv_put', { run_id: '../etc', key: 'k', value: 1 }, 'INVALID_ARGUMENT'],
  ['a string as ttl_ms', 'kv_put', { run_id: RUN, key: 'k', value: 1, ttl_ms: '10' }, 'INVALID_ARGUMENT'],
  ['a negative ttl_ms', 'kv_put', { run_id: RUN, key: 'k', value: 1, ttl_ms: -5 }, 'INVALID_ARGUMENT'],
  ['a misspelled argument', 'kv_put', { run_id: RUN, key: 'k', value: 1, ttl: 10 }, 'INVALID_ARGUMENT'],
  [
    'a string as expected_version',
    'state_cas',
    { run_id: RUN, name: 'phase', expected_version: 'one', value: 2 },
    'INVALID_ARGUMENT',
  ],
  [
    'an unknown trace type',
    'traces_record',
    { run_id: RUN, trace: { type: 'dream', content: 'x' } },
    'INVALID_ARGUMENT',
  ],
  [
    'a trace with a wrong field type',
    'traces_record',
    { run_id: RUN, trace: { type: 'decision', question: 'q', options: ['a', 1], chosen: 'a' } },
    'INVALID_ARGUMENT',
  ],
  ['an unknown run status', 'runs_update_status', { run_id: RUN, status: 'sleeping' }, 'INVALID_ARGUMENT'],
  ['an empty transaction', 'transaction', { run_id: RUN, operations: [] }, 'INVALID_ARGUMENT'],
  [
    'an unknown operation',
    'transaction',
    { run_id: RUN, operations: [{ op: 'kv_drop', key: 'k' }] },
    'INVALID_ARGUMENT',
  ],
  [
    'a reading operation in a transaction',
    'transaction',
    { run_id: RUN, operations: [{ op: 'kv_get', key: 'k' }] },
    'INVALID_ARGUMENT',
  ],
  [
    'a malformed typed value',
    'kv_put',
    { run_id: RUN, key: 'k', value: { n: { $bigint: '1.5' } } },
    'INVALID_VALUE',
    { path: 'value.n' },
  ],
  [
    'an unknown typed form',
    'events_append',
    { run_id: RUN, event_type: 'e', payload: { $ref: '#/x' } },
    'INVALID_VALUE',
  ],
  ['two filters at once', 'traces_query', { run_id: RUN, type: 'thought', tag: 'x' }, 'INVALID_ARGUMENT'],
  ['a foreign list cursor', 'runs_list', { after: 'not-a-cursor' }, 'INVALID_ARGUMENT'],
];

const MISSING_FIELDS: Case[] = [
  ['no key', 'kv_get', { run_id: RUN }, 'INVALID_ARGUMENT'],
  ['no value', 'state_init', { run_id: RUN, name: 'x' }, 'INVALID_ARGUMENT'],
  ['no payload', 'events_append', { run_id: RUN, event_type: 'e' }, 'INVALID_ARGUMENT'],
  ['no error', 'runs_fail', { run_id: RUN }, 'INVALID_ARGUMENT'],
  ['no run_id', 'events_verify', {}, 'INVALID_ARGUMENT'],
  ['no trace', 'traces_record', { run_id: RUN }, 'INVALID_ARGUMENT'],
  ['no op', 'transaction', { run_id: RUN, operations: [{ key: 'k', value: 1 }] }, 'INVALID_ARGUMENT'],
];

const UNKNOWN_THINGS: Case[] = [
  ['completing an unknown run', 'runs_complete', { run_id: 'ghost' }, 'NOT_FOUND'],
  ['moving an unknown run', 'runs_update_status', { run_id: 'ghost', status: 'paused' }, 'NOT_FOUND'],
  ['a child of an unknown run', 'runs_create', { parent_run_id: 'ghost' }, 'NOT_FOUND'],
  [
    'a child of an unknown trace',
    'traces_record',
    { run_id: RUN, trace: { type: 'thought', content: 'x' }, parent_id: 'ghost' },
    'NOT_FOUND',
  ],
  ['the tree of an unknown trace', 'traces_tree', { run_id: RUN, trace_id: 'ghost' }, 'NOT_FOUND'],
  [
    'CAS on an unknown cell',
    'state_cas',
    { run_id: RUN, name: 'ghost', expected_version: 1, value: 1 },
    'NOT_FOUND',
  ],
];

const OVERSIZED: Case[] = [
  ['a 17 MiB value', 'kv_put', { run_id: RUN, key: 'big', value: 'x'.repeat(17 * MIB) }, 'INVALID_VALUE'],
  [
    'a 17 MiB payload',
    'events_append',
    { run_id: RUN, event_type: 'big', payload: { blob: 'y'.repeat(17 * MIB) } },
    'INVALID_VALUE',
  ],
  ['a 600-byte key', 'kv_put', { run_id: RUN, key: 'k'.repeat(600), value: 1 }, 'INVALID_ARGUMENT'],
  [
    'a 300-character event type',
    'events_append',
    { run_id: RUN, event_type: 'e'.repeat(300), payload: 1 },
    'INVALID_ARGUMENT',
  ],
  ['a 65-character run id', 'kv_get', { run_id: 'r'.repeat(65), key: 'k' }, 'INVALID_ARGUMENT'],
];

const CONFLICTS: Case[] = [
  [
    'CAS on a stale version',
    'state_cas',
    { run_id: RUN, name: 'phase', expected_version: 7, value: 2 },
    'VERSION_MISMATCH',
    { expected: 7, actual: 1 },
  ],
  [
    'an append at a taken sequence',
    'events_append',
    { run_id: RUN, event_type: 'e', payload: 1, expected_sequence: 0 },
    'VERSION_MISMATCH',
    { expected: 0, actual: 1 },
  ],
  ['creating a cell twice', 'state_init', { run_id: RUN, name: 'phase', value: 1 }, 'ALREADY_EXISTS'],
  ['creating a run twice', 'runs_create', { run_id: RUN }, 'ALREADY_EXISTS'],
  [
    'reviving a completed run',
    'runs_update_status',
    { run_id: 'done', status: 'active' },
    'INVALID_TRANSITION',
    { from: 'completed', to: 'active' },
  ],
  [
    'failing a completed run',
    'runs_fail',
    { run_id: 'done', error: 'late' },
    'INVALID_TRANSITION',
    { from: 'completed', to: 'failed' },
  ],
  [
    'a transaction whose third operation fails',
    'transaction',
    {
      run_id: RUN,
      operations: [
        { op: 'kv_put', key: 'half', value: 1 },
        { op: 'events_append', event_type: 'half', payload: 1 },
        { op: 'state_cas', name: 'phase', expected_version: 9, value: 'x' },
        { op: 'kv_put', key: 'never', value: 1 },
      ],
    },
    'VERSION_MISMATCH',
    { operation_index: 2, operation: 'state_cas', expected: 9, actual: 1 },
  ],
  [
    'a transaction whose append finds the log moved on',
    'transaction',
    {
      run_id: RUN,
      operations: [
        { op: 'kv_put', key: 'half', value: 1 },
        { op: 'events_append', event_type: 'half', payload: 1, expected_sequence: 0 },
      ],
    },
    'VERSION_MISMATCH',
  ],
];

describe('bad input through the protocol', () => {
  const db = databaseDir();
  let session: Session & { stderr: () => string };

  beforeAll(async () => {
    session = await stdioSession(db.dir);
    const { client } = session;
    await ok(client, 'runs_create', { run_id: RUN });
    await ok(client, 'runs_create', { run_id: 'done' });
    await ok(client, 'runs_complete', { run_id: 'done' });
    await ok(client, 'state_init', { run_id: RUN, name: 'phase', value: 'plan' });
    await ok(client, 'events_append', { run_id: RUN, event_type: 'started', payload: null });
    await ok(client, 'kv_put', { run_id: RUN, key: 'k', value: 'kept' });
  });
  afterAll(async () => {
    await session.close();
    db.remove();
  });

  describe.each([
    ['wrong types', WRONG_TYPES],
    ['missing fields', MISSING_FIELDS],
    ['unknown runs, traces and cells', UNKNOWN_THINGS],
    ['oversized values', OVERSIZED],
    ['conflicts and forbidden transitions', CONFLICTS],
  ])('%s', (_, cases) => {
    it.each(cases)(
      '%s (%s) is a tool error with a code, and nothing is written',
      async (_what, tool, args, code, details) => {
        const before = await fingerprint(db.dir);
        const error = await refused(session.client, tool, args);
        expect(error.code).toBe(code);
        if (details !== undefined) expect(error).toMatchObject(details);
        expect(await fingerprint(db.dir)).toEqual(before);
      },
    );
  });

  it('names the bad fields of refused arguments', async () => {
    const error = await refused(session.client, 'kv_put', { run_id: 5, key: 'k' });
    expect(error.message).toMatch(/^kv_put: run_id: .*expected string.*; value: /);
  });

  it('keeps serving, unharmed, after every refusal', async () => {
    expect((await session.client.listTools()).tools.length).toBe(24);
    expect(await ok(session.client, 'kv_get', { run_id: RUN, key: 'k' })).toEqual({
      found: true,
      value: 'kept',
    });
    expect(await ok(session.client, 'events_verify', { run_id: RUN })).toEqual({ valid: true, length: 1 });
    await withLibrary(db.dir, async (lib) => {
      expect(await lib.kv.list(RUN)).toEqual(['k']);
      expect(await lib.state.read(RUN, 'phase')).toMatchObject({ version: 1, value: 'plan' });
      expect(await lib.engine.verify()).toEqual({ ok: true, problems: [] });
    });
    expect(session.stderr()).not.toMatch(/error|exception/i);
  });

  it('would notice a write: the fingerprint above changes with any commit', async () => {
    const before = await fingerprint(db.dir);
    await ok(session.client, 'kv_put', { run_id: 'probe', key: 'k', value: 1 });
    expect(await fingerprint(db.dir)).not.toEqual(before);
  });
});
