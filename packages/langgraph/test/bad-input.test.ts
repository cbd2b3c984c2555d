import { type AgentDB, type ErrorCode, isAgentDBError } from '@agentdb/primitives';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  type Checkpoint,
  emptyCheckpoint,
  InvalidNamespaceError,
  JsonPlusSerializer,
  type SerializerProtocol,
  uuid6,
} from '@langchain/langgraph-checkpoint';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentDBSaver, AgentDBStore } from '../src/index.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const META = { source: 'loop' as const, step: 0, parents: {} };
const THREAD = { configurable: { thread_id: 't1' } };

async function rejectsWith(p: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<void> {
  let error: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    error = e;
  }
  expect(isAgentDBError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
}

/** Everything a thread is, to compare before and after a refused call: tuples, events, the engine. */
async function snapshot(db: AgentDB, saver: AgentDBSaver) {
  const tuples = [];
  for await (const tuple of saver.list(THREAD)) tuples.push(tuple);
  return {
    tuples,
    events: await db.events.len('t1'),
    verify: await saver.verifyThread('t1'),
    commits: db.engine.stats().commits,
  };
}

function checkpoint(values: Record<string, unknown> = {}): Checkpoint {
  const c = { ...emptyCheckpoint(), id: uuid6(-1), channel_values: values };
  c.channel_versions = Object.fromEntries(Object.keys(values).map((k) => [k, 1]));
  return c;
}

describe('AgentDBSaver refuses bad input before writing anything', () => {
  it('malformed configs, checkpoints, versions and writes get INVALID_ARGUMENT; the thread is unchanged', async () => {
    t = await openTestDatabase();
    const saver = new AgentDBSaver(t.db);
    const first = await saver.put(THREAD, checkpoint({ a: 'x' }), META, { a: 1 });
    await saver.putWrites(first, [['a', 'y']], 'task');
    const before = await snapshot(t.db, saver);

    const bad: [string, () => Promise<unknown>][] = [
      ['no configurable', () => saver.put({}, checkpoint(), META, {})],
      ['no thread id', () => saver.put({ configurable: { checkpoint_ns: '' } }, checkpoint(), META, {})],
      ['numeric thread id', () => saver.put({ configurable: { thread_id: 7 } }, checkpoint(), META, {})],
      ['empty thread id', () => saver.put({ configurable: { thread_id: '' } }, checkpoint(), META, {})],
      ['lone surrogate', () => saver.put({ configurable: { thread_id: 'a\ud800' } }, checkpoint(), META, {})],
      [
        'configurable not an object',
        () => saver.put({ configurable: 'x' } as unknown as RunnableConfig, checkpoint(), META, {}),
      ],
      [
        'namespace not a string',
        () => saver.put({ configurable: { thread_id: 't1', checkpoint_ns: 3 } }, checkpoint(), META, {}),
      ],
      [
        'namespace too long',
        () =>
          saver.put(
            { configurable: { thread_id: 't1', checkpoint_ns: 'n'.repeat(600) } },
            checkpoint(),
            META,
            {},
          ),
      ],
      [
        'parent id not a string',
        () => saver.put({ configurable: { thread_id: 't1', checkpoint_id: 5 } }, checkpoint(), META, {}),
      ],
      ['checkpoint without id', () => saver.put(THREAD, { ...checkpoint(), id: '' }, META, {})],
      ['checkpoint not an object', () => saver.put(THREAD, null as unknown as Checkpoint, META, {})],
      [
        'channel_values missing',
        () =>
          saver.put(
            THREAD,
            { ...checkpoint(), channel_values: undefined } as unknown as Checkpoint,
            META,
            {},
          ),
      ],
      [
        'version not a number',
        () => saver.put(THREAD, checkpoint({ a: 1 }), META, { a: true } as unknown as Record<string, number>),
      ],
      ['version NaN', () => saver.put(THREAD, checkpoint({ a: 1 }), META, { a: Number.NaN })],
      [
        'channel name with U+0000',
        () => saver.put(THREAD, checkpoint({ 'a\u0000': 1 }), META, { 'a\u0000': 1 }),
      ],
      ['writes without checkpoint id', () => saver.putWrites(THREAD, [['a', 1]], 'task')],
      ['writes not an array', () => saver.putWrites(first, 'nope' as unknown as [], 'task')],
      ['write not a pair', () => saver.putWrites(first, [[1, 2]] as unknown as [], 'task')],
      ['empty task id', () => saver.putWrites(first, [['a', 1]], '')],
      ['task path not a string', () => saver.putWrites(first, [['a', 1]], 'task', 5 as unknown as string)],
      ['list limit negative', async () => saver.list(THREAD, { limit: -1 }).next()],
      [
        'list filter not an object',
        async () => saver.list(THREAD, { filter: 'source' as unknown as Record<string, unknown> }).next(),
      ],
      ['getTuple thread id not a string', () => saver.getTuple({ configurable: { thread_id: ['t1'] } })],
      ['deleteThread of nothing', () => saver.deleteThread(undefined as unknown as string)],
      ['verifyThread of nothing', async () => saver.verifyThread('')],
    ];
    for (const [what, call] of bad) {
      await rejectsWith(call, 'INVALID_ARGUMENT').catch((e: Error) => {
        throw new Error(`${what}: ${e.message}`);
      });
    }
    expect(await snapshot(t.db, saver)).toEqual(before);
    // A config without a thread reads as nothing, as in LangGraph's savers.
    expect(await saver.getTuple({ configurable: {} })).toBeUndefined();
    expect(await saver.getTuple({})).toBeUndefined();
  });

  it('a value the serializer cannot turn into bytes is INVALID_VALUE, and no checkpoint or event is stored', async () => {
    t = await openTestDatabase();
    const saver = new AgentDBSaver(t.db);
    await saver.put(THREAD, checkpoint({ a: 'x' }), META, { a: 1 });
    const before = await snapshot(t.db, saver);
    // JsonPlusSerializer turns a function into zero bytes, which it could never read back.
    await rejectsWith(saver.put(THREAD, checkpoint({ fn: () => 1 }), META, { fn: 2 }), 'INVALID_VALUE');
    await rejectsWith(
      saver.putWrites(
        { configurable: { ...THREAD.configurable, checkpoint_id: 'c' } },
        [['fn', Symbol('s')]],
        'task',
      ),
      'INVALID_VALUE',
    );

    // A serializer that throws (here: on bigint) is reported with its error as the cause.
    const strict: SerializerProtocol = {
      dumpsTyped: async (v: unknown) => ['json', new TextEncoder().encode(JSON.stringify(v))],
      loadsTyped: (type, data) => new JsonPlusSerializer().loadsTyped(type, data),
    };
    const strictSaver = new AgentDBSaver(t.db, { serde: strict });
    let error: unknown;
    try {
      await strictSaver.put(THREAD, checkpoint({ big: 1n }), META, { big: 3 });
    } catch (e) {
      error = e;
    }
    expect(isAgentDBError(error, 'INVALID_VALUE')).toBe(true);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(await snapshot(t.db, saver)).toEqual(before);
  });

  it('an unknown thread reads as nothing and deleting it changes nothing: no run appears', async () => {
    t = await openTestDatabase();
    const saver = new AgentDBSaver(t.db);
    const unknown = { configurable: { thread_id: 'nobody', checkpoint_id: uuid6(-1) } };
    expect(await saver.getTuple(unknown)).toBeUndefined();
    expect(await saver.getTuple({ configurable: { thread_id: 'nobody' } })).toBeUndefined();
    const listed = [];
    for await (const tuple of saver.list({ configurable: { thread_id: 'nobody' } })) listed.push(tuple);
    expect(listed).toEqual([]);
    await saver.deleteThread('nobody');
    expect(await saver.verifyThread('nobody')).toEqual({
      valid: true,
      checkpoints: 0,
      events: 0,
      problems: [],
    });
    expect(await t.db.runs.count()).toBe(0);
    expect(t.db.engine.stats().commits).toBe(0);
  });

  it('refuses anything but an AgentDB or its engine', () => {
    for (const db of [undefined, null, {}, 'path']) {
      expect(() => new AgentDBSaver(db as unknown as AgentDB)).toThrowError(/INVALID_ARGUMENT/);
      expect(() => new AgentDBStore(db as unknown as AgentDB)).toThrowError(/INVALID_ARGUMENT/);
    }
  });
});

describe('AgentDBStore refuses bad input before writing anything', () => {
  it('bad namespaces get LangGraph errors; bad keys, values, TTLs, paging and filters get AgentDB codes', async () => {
    t = await openTestDatabase();
    const store = new AgentDBStore(t.db);
    await store.put(['ok'], 'k', { v: 1 });
    const before = await store.search([], { limit: 100 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;

    await expect(store.put(['a.b'], 'k', { v: 1 })).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put([], 'k', { v: 1 })).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.put(['langgraph'], 'k', { v: 1 })).rejects.toBeInstanceOf(InvalidNamespaceError);
    await expect(store.search(['a', ''])).rejects.toBeInstanceOf(InvalidNamespaceError);

    const bad: [string, () => Promise<unknown>, ErrorCode][] = [
      ['empty key', () => store.put(['ok'], '', { v: 1 }), 'INVALID_ARGUMENT'],
      ['key too long', () => store.put(['ok'], 'k'.repeat(600), { v: 1 }), 'INVALID_ARGUMENT'],
      [
        'namespace too long',
        () => store.put(['n'.repeat(300), 'm'.repeat(300)], 'k', { v: 1 }),
        'INVALID_ARGUMENT',
      ],
      ['control character in a label', () => store.put(['a\u0001'], 'k', { v: 1 }), 'INVALID_ARGUMENT'],
      [
        'value an array',
        () => store.put(['ok'], 'k', [1] as unknown as Record<string, unknown>),
        'INVALID_ARGUMENT',
      ],
      ['value with a function', () => store.put(['ok'], 'k', { f: () => 1 }), 'INVALID_VALUE'],
      ['value with a cycle', () => store.put(['ok'], 'k', cyclic), 'INVALID_VALUE'],
      ['value with a class instance', () => store.put(['ok'], 'k', { m: new Map() }), 'INVALID_VALUE'],
      ['ttl zero', () => store.put(['ok'], 'k', { v: 1 }, undefined, { ttl: 0 }), 'INVALID_ARGUMENT'],
      [
        'ttl not a number',
        () => store.put(['ok'], 'k', { v: 1 }, undefined, { ttl: '5' as unknown as number }),
        'INVALID_ARGUMENT',
      ],
      [
        'index not an array',
        () => store.put(['ok'], 'k', { v: 1 }, 'v' as unknown as string[]),
        'INVALID_ARGUMENT',
      ],
      ['index path malformed', () => store.put(['ok'], 'k', { v: 1 }, ['a[x]']), 'INVALID_ARGUMENT'],
      ['limit negative', () => store.search(['ok'], { limit: -1 }), 'INVALID_ARGUMENT'],
      ['offset fractional', () => store.search(['ok'], { offset: 1.5 }), 'INVALID_ARGUMENT'],
      [
        'filter not an object',
        () => store.search(['ok'], { filter: [] as unknown as Record<string, unknown> }),
        'INVALID_ARGUMENT',
      ],
      ['$in without an array', () => store.search(['ok'], { filter: { v: { $in: 1 } } }), 'INVALID_ARGUMENT'],
      [
        '$exists without a boolean',
        () => store.search(['ok'], { filter: { v: { $exists: 1 } } }),
        'INVALID_ARGUMENT',
      ],
      [
        'query not a string',
        () => store.search(['ok'], { query: 5 as unknown as string }),
        'INVALID_ARGUMENT',
      ],
      ['maxDepth zero', () => store.listNamespaces({ maxDepth: 0 }), 'INVALID_ARGUMENT'],
      ['batch not an array', () => store.batch('get' as unknown as []), 'INVALID_ARGUMENT'],
      [
        'an operation that is no operation',
        () => store.batch([{ nonsense: true } as unknown as { namespace: string[]; key: string }]),
        'INVALID_ARGUMENT',
      ],
      [
        // The bad second operation stops the whole batch, the good first put included.
        'a batch with one bad operation',
        () =>
          store.batch([
            { namespace: ['ok'], key: 'new', value: { v: 2 } },
            { namespace: ['ok'], key: 'x', value: { f: () => 1 } },
          ]),
        'INVALID_VALUE',
      ],
    ];
    for (const [what, call, code] of bad) {
      await rejectsWith(call, code).catch((e: Error) => {
        throw new Error(`${what}: ${e.message}`);
      });
    }
    expect(await store.search([], { limit: 100 })).toEqual(before);
  });

  it('refuses bad options: run id, index and TTL configuration', async () => {
    t = await openTestDatabase();
    const db = t.db;
    const embed = async (texts: string[]) => texts.map(() => [1]);
    const cases: unknown[] = [
      { runId: 'not a run id' },
      { index: { dims: 0, embed } },
      { index: { dims: 1 } },
      { index: { dims: 1, embed, fields: 'text' } },
      { ttl: { defaultTtl: -5 } },
      { ttl: { refreshOnRead: 'yes' } },
      'options',
    ];
    for (const options of cases) {
      expect(
        () => new AgentDBStore(db, options as ConstructorParameters<typeof AgentDBStore>[1]),
      ).toThrowError(/INVALID_ARGUMENT/);
    }
  });
});
