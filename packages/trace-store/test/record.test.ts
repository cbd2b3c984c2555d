import { Key, TypeTag, tagRange } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceStore } from '../src/index.js';
import { expectCode, type Fixture, fixture, ids, traceKeys } from './helpers.js';

const RUN = 'run-record';
const thought = (content: string) => ({ type: 'thought', content }) as const;

describe('record', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.t.dispose());

  it('stores the trace with the clock time, default tags [] and metadata {}, and a generated id', async () => {
    const id = await f.traces.record(RUN, thought('a'));
    expect(id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(await f.traces.get(RUN, id)).toEqual({
      id,
      traceType: thought('a'),
      timestamp: 1_700_000_000_000,
      tags: [],
      metadata: {},
    });
    expect('parentId' in (await f.traces.get(RUN, id))!).toBe(false);
    expect(await f.traces.exists(RUN, id)).toBe(true);
    expect(await f.traces.exists(RUN, 'nope')).toBe(false);
    expect(await f.traces.get(RUN, 'nope')).toBeUndefined();
  });

  it('keeps a supplied id and refuses it a second time with ALREADY_EXISTS, writing nothing', async () => {
    expect(await f.traces.record(RUN, thought('a'), { id: 'step-1' })).toBe('step-1');
    const before = await traceKeys(f.db, RUN);
    f.clock.advance(5);
    await expectCode(
      f.traces.record(RUN, thought('b'), { id: 'step-1', tags: ['t'] }),
      'ALREADY_EXISTS',
      /step-1/,
    );
    expect(await traceKeys(f.db, RUN)).toEqual(before);
    expect((await f.traces.get(RUN, 'step-1'))?.traceType).toEqual(thought('a'));
    expect(await f.traces.count(RUN)).toBe(1);
  });

  it('the same id may exist in two runs', async () => {
    await f.traces.record('run-a', thought('a'), { id: 'same' });
    await f.traces.record('run-b', thought('b'), { id: 'same' });
    expect((await f.traces.get('run-a', 'same'))?.traceType).toEqual(thought('a'));
    expect((await f.traces.get('run-b', 'same'))?.traceType).toEqual(thought('b'));
  });

  it('recordChild links to an existing parent; a missing parent is NOT_FOUND and writes nothing', async () => {
    const root = await f.traces.record(RUN, thought('root'));
    const child = await f.traces.recordChild(RUN, root, thought('child'), { tags: ['c'] });
    expect((await f.traces.get(RUN, child))?.parentId).toBe(root);
    const before = await traceKeys(f.db, RUN);
    await expectCode(
      f.traces.recordChild(RUN, 'missing', thought('x'), { tags: ['c'] }),
      'NOT_FOUND',
      /missing/,
    );
    await expectCode(f.traces.record(RUN, thought('x'), { parentId: 'missing' }), 'NOT_FOUND');
    // A parent in another run does not count.
    await expectCode(f.traces.recordChild('run-other', root, thought('x')), 'NOT_FOUND');
    expect(await traceKeys(f.db, RUN)).toEqual(before);
    expect(ids(await f.traces.queryByTag(RUN, 'c'))).toEqual([child]);
  });

  it('record with opts.parentId is the same as recordChild', async () => {
    const root = await f.traces.record(RUN, thought('root'));
    const a = await f.traces.record(RUN, thought('a'), { parentId: root });
    expect(ids(await f.traces.getChildren(RUN, root))).toEqual([a]);
    expect(ids(await f.traces.getRoots(RUN))).toEqual([root]);
  });

  it('drops duplicate tags, keeping first-occurrence order', async () => {
    const id = await f.traces.record(RUN, thought('a'), { tags: ['b', 'a', 'b', 'c', 'a'] });
    expect((await f.traces.get(RUN, id))?.tags).toEqual(['b', 'a', 'c']);
    expect(ids(await f.traces.queryByTag(RUN, 'b'))).toEqual([id]);
  });

  it('writes the record and exactly its index entries: type, time, root or parent, one per tag, and the counter', async () => {
    const root = await f.traces.record(RUN, thought('r'), { id: 'r' });
    const ts = f.clock();
    await f.traces.recordChild(
      RUN,
      root,
      { type: 'custom', name: 'plan', data: 1 },
      { id: 'c', tags: ['x', 'y'] },
    );
    const expected = [
      Key.trace(RUN, 't', 'r'),
      Key.trace(RUN, 'type', 'thought', ts, 'r'),
      Key.trace(RUN, 'time', ts, 'r'),
      Key.trace(RUN, 'root', ts, 'r'),
      Key.trace(RUN, 't', 'c'),
      Key.trace(RUN, 'type', 'plan', ts, 'c'),
      Key.trace(RUN, 'time', ts, 'c'),
      Key.trace(RUN, 'child', 'r', ts, 'c'),
      Key.trace(RUN, 'tag', 'x', ts, 'c'),
      Key.trace(RUN, 'tag', 'y', ts, 'c'),
      Key.trace(RUN, 'count'),
    ].map((k) => Buffer.from(k).toString('hex'));
    expect((await traceKeys(f.db, RUN)).sort()).toEqual(expected.sort());
    // Exactly one commit for the child: record and indices are one transaction.
    const log = [];
    for await (const c of f.db.changes()) log.push(c);
    expect(log).toHaveLength(2);
    expect(log[1]?.writes.length).toBeGreaterThanOrEqual(6);
  });

  it('count follows records, including ones made inside the current transaction', async () => {
    expect(await f.traces.count(RUN)).toBe(0);
    await f.traces.record(RUN, thought('a'));
    await f.traces.record(RUN, thought('b'));
    const inside = await f.db.transaction(
      async (tx) => {
        const view = f.traces.in(tx);
        await view.record(thought('c'));
        await view.record(thought('d'));
        // A second view of the same transaction sees them too; another run does not.
        return [await f.traces.in(tx).count(), await f.traces.in(tx, 'run-other').count()];
      },
      { runId: RUN },
    );
    expect(inside).toEqual([4, 0]);
    expect(await f.traces.count(RUN)).toBe(4);
    expect(await f.traces.count('run-other')).toBe(0);
  });

  it('concurrent records in one run all land, without conflicts, and the count is exact', async () => {
    const n = 200;
    await Promise.all(
      Array.from({ length: n }, (_, i) => f.traces.record(RUN, thought(`t${i}`), { tags: ['all'] })),
    );
    expect(await f.traces.count(RUN)).toBe(n);
    expect(await f.traces.queryByTag(RUN, 'all')).toHaveLength(n);
    expect(f.db.stats().conflicts).toBe(0);
  });

  it('two facades on one database see the same data', async () => {
    const id = await f.traces.record(RUN, thought('a'));
    expect(await new TraceStore(f.db).get(RUN, id)).toBeDefined();
  });
});

describe('transaction view', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.t.dispose());

  it('commits traces atomically with other writes of the transaction', async () => {
    const kvKey = Key.kv(RUN, 'last');
    const id = await f.db.transaction(
      async (tx) => {
        const view = f.traces.in(tx);
        const root = await view.record(thought('root'), { tags: ['t'] });
        const child = await view.recordChild(root, thought('child'), { tags: ['t'] });
        // Read-your-writes through every index.
        expect(ids(await view.queryByTag('t'))).toEqual([root, child].sort());
        expect((await view.getTree(root))?.children.map((c) => c.trace.id)).toEqual([child]);
        tx.put(kvKey, child);
        return child;
      },
      { runId: RUN },
    );
    expect(await f.db.get(kvKey)).toBe(id);
    expect(await f.traces.exists(RUN, id)).toBe(true);
  });

  it('a transaction that throws leaves no trace and no index entry', async () => {
    await expect(
      f.db.transaction(async (tx) => {
        await f.traces.in(tx, RUN).record(thought('a'), { tags: ['t'] });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await traceKeys(f.db, RUN)).toEqual([]);
    expect(await f.traces.count(RUN)).toBe(0);
  });

  it('a refused record inside a transaction that commits anyway writes nothing of that trace', async () => {
    await f.db.transaction(async (tx) => {
      const view = f.traces.in(tx, RUN);
      await view.record(thought('kept'), { id: 'kept' });
      await expectCode(view.record(thought('dup'), { id: 'kept', tags: ['dup'] }), 'ALREADY_EXISTS');
      await expectCode(view.recordChild('missing', thought('orphan'), { tags: ['orphan'] }), 'NOT_FOUND');
      await expectCode(view.record({ type: 'thought' } as never, { tags: ['bad'] }), 'INVALID_ARGUMENT');
    });
    expect(ids(await f.traces.list(RUN))).toEqual(['kept']);
    expect(await f.db.scan(tagRange(RUN, TypeTag.Trace, 'tag')).next()).toEqual({
      done: true,
      value: undefined,
    });
    expect(await f.traces.count(RUN)).toBe(1);
  });

  it('in() binds to the explicit run id over tx.runId, and refuses a missing or bad one', async () => {
    await f.db.transaction(
      async (tx) => {
        expect(f.traces.in(tx).runId).toBe(RUN);
        expect(f.traces.in(tx, 'run-x').runId).toBe('run-x');
        expect(() => f.traces.in(tx, 'bad id')).toThrow(/INVALID_ARGUMENT/);
      },
      { runId: RUN },
    );
    await f.db.transaction(async (tx) => {
      expect(() => f.traces.in(tx)).toThrow(/INVALID_ARGUMENT: no run id/);
    });
    expect(() => f.traces.in({} as never, RUN)).toThrow(
      /INVALID_ARGUMENT: traces.in\(tx\) needs the transaction/,
    );
  });

  it('the timestamp comes from the database clock at record time', async () => {
    f.clock.set(1_800_000_000_123);
    const id = await f.traces.record(RUN, thought('a'));
    expect((await f.traces.get(RUN, id))?.timestamp).toBe(1_800_000_000_123);
  });
});
