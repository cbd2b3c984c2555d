import { encodeValue, MAX_VALUE_DEPTH, type Value } from '@agentdb/core';
import { badOptions, flipping, hostileValues, shiftingProxy } from '@agentdb/core/testing';
import { openRawData } from '@agentdb/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordOptions, TraceType } from '../src/index.js';
import { BY_PARENT, indexKey } from '../src/layout.js';
import { expectCode, type Fixture, fixture, reopen, runKeys } from './helpers.js';

// Inputs that change as they are read, misspelt options and deep values: each is read once, so what
// is checked is what is stored, and every refusal leaves the run exactly as it was.

const RUN = 'run-h';
const OK: TraceType = { type: 'thought', content: 'fine' };
let f: Fixture;
beforeEach(async () => {
  f = await fixture();
  await f.traces.record(RUN, OK, { id: 'parent', tags: ['x'] });
});
afterEach(() => f.t.dispose());

/** Expects `code` and the run's keys and trace count unchanged. */
async function refused(p: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const before = await runKeys(f.db, RUN);
  await expectCode(p(), code, message);
  expect(await runKeys(f.db, RUN)).toEqual(before);
  expect(await f.traces.count(RUN)).toBe(1);
}

/** Every listing still works and agrees: a stored trace with a bad id would break them (CORRUPTION). */
async function listingsAgree(): Promise<string[]> {
  const ids = (await f.traces.list(RUN)).map((t) => t.id);
  expect((await f.traces.queryByTag(RUN, 'x')).map((t) => t.id)).toEqual(ids);
  expect((await f.traces.getRoots(RUN)).map((t) => t.id)).toEqual(ids);
  expect(await f.traces.count(RUN)).toBe(ids.length);
  return ids;
}

const nest = (n: number): Value => {
  let v: Value = 1;
  for (let i = 0; i < n; i++) v = [v];
  return v;
};

describe('ids and options are read once (repro-trace-id-getter, repro-toctou)', () => {
  it('an id getter valid twice and then a number stores the trace under the valid id', async () => {
    let reads = 0;
    const opts = {
      tags: ['x'],
      get id() {
        return reads++ < 2 ? 'valid-id' : 12345;
      },
    };
    expect(await f.traces.record(RUN, OK, opts as unknown as RecordOptions)).toBe('valid-id');
    expect((await listingsAgree()).sort()).toEqual(['parent', 'valid-id']);
    expect(reads).toBe(1);
  });

  it('an id getter that turns bad after its first read is stored under its first answer', async () => {
    // Object.assign keeps the getter (a spread would call it once, right here).
    const opts = Object.assign(flipping('id', 'good-id', 'bad\u0000id'), { tags: ['x'] });
    expect(await f.traces.record(RUN, OK, opts)).toBe('good-id');
    expect((await listingsAgree()).sort()).toEqual(['good-id', 'parent']);
  });

  it('a parentId getter that names a missing parent, then nothing, is NOT_FOUND and writes nothing', async () => {
    await refused(() => f.traces.record(RUN, OK, flipping('parentId', 'nope', undefined)), 'NOT_FOUND');
  });

  it('a proxy whose id changes is read once', async () => {
    const id = await f.traces.record(RUN, OK, shiftingProxy({ tags: ['x'] }, 'id', 'proxied', 7));
    expect(id).toBe('proxied');
    expect((await listingsAgree()).sort()).toEqual(['parent', 'proxied']);
  });

  it('a traceType field getter is read once: the content checked is the content stored', async () => {
    const id = await f.traces.record(
      RUN,
      Object.assign(flipping('content', 'first', 5), { type: 'thought' }) as never,
    );
    expect((await f.traces.get(RUN, id))?.traceType).toEqual({ type: 'thought', content: 'first' });
  });
});

describe('hostile metadata and traceType values', () => {
  it.each(hostileValues())('metadata: %s', async (_name, make, outcome) => {
    if ('refused' in outcome) {
      await refused(() => f.traces.record(RUN, OK, { metadata: make() as Value }), outcome.refused);
      await refused(
        () => f.traces.record(RUN, { type: 'custom', name: 'n', data: make() as Value }),
        outcome.refused,
      );
      return;
    }
    const id = await f.traces.record(RUN, OK, { metadata: make() as Value });
    expect((await f.traces.get(RUN, id))?.metadata).toStrictEqual(outcome.stored);
    const custom = await f.traces.record(RUN, { type: 'custom', name: 'n', data: make() as Value });
    expect((await f.traces.get(RUN, custom))?.traceType).toStrictEqual({
      type: 'custom',
      name: 'n',
      data: outcome.stored,
    });
  });
});

describe('misspelt and non-plain options', () => {
  it.each(badOptions({ tags: ['x'], metadata: {} }, { tag: 'tags', meta: 'metadata', Id: 'id' }))(
    'record options: %s',
    async (_name, opts) => {
      await refused(() => f.traces.record(RUN, OK, opts as RecordOptions), 'INVALID_ARGUMENT');
      await refused(() => f.traces.recordChild(RUN, 'parent', OK, opts as RecordOptions), 'INVALID_ARGUMENT');
    },
  );

  it.each(badOptions({ limit: 1 }, { limt: 'limit', cursor: 'after' }))(
    'page options: %s',
    async (_name, opts) => {
      await expectCode(f.traces.list(RUN, opts as never), 'INVALID_ARGUMENT');
    },
  );

  it('a misspelt option or traceType field names the closest known one', async () => {
    await refused(
      () => f.traces.record(RUN, OK, { tag: ['x'] } as never),
      'INVALID_ARGUMENT',
      /did you mean "tags"\?/,
    );
    await refused(
      () => f.traces.record(RUN, { type: 'thought', content: 'c', confidnce: 0.5 } as never),
      'INVALID_ARGUMENT',
      /did you mean "confidence"\?/,
    );
  });
});

describe('nesting: user values get the documented 512 levels', () => {
  it('metadata and traceType.arguments nested 512 levels are stored; 513 are refused', async () => {
    const deep = nest(MAX_VALUE_DEPTH);
    const id = await f.traces.record(
      RUN,
      { type: 'tool_call', toolName: 't', arguments: deep },
      { metadata: deep },
    );
    const t = await f.traces.get(RUN, id);
    expect(t?.metadata).toStrictEqual(deep);
    expect(t?.traceType).toMatchObject({ arguments: deep });
    f.clock.advance(1);
    await expect(f.traces.record(RUN, OK, { metadata: nest(MAX_VALUE_DEPTH + 1) })).rejects.toMatchObject({
      code: 'INVALID_VALUE',
      message: expect.stringContaining('metadata['),
    });
    await expect(
      f.traces.record(RUN, { type: 'tool_call', toolName: 't', arguments: nest(MAX_VALUE_DEPTH + 1) }),
    ).rejects.toMatchObject({ code: 'INVALID_VALUE', path: expect.stringMatching(/^traceType\.arguments/) });
  });
});

describe('a trace tree damaged into a cycle on disk', () => {
  it('getTree ends, listing each trace once', async () => {
    const child = await f.traces.recordChild(RUN, 'parent', OK, { id: 'child' });
    const t = (await f.traces.get(RUN, 'parent'))!;
    await f.db.close();
    const raw = await openRawData(f.t.path);
    // List the root as a child of its own child: parent → child → parent → …
    raw.put(
      indexKey(RUN, [BY_PARENT, child], t.timestamp, 'parent'),
      Uint8Array.of(0, ...encodeValue('parent')),
      1,
    );
    await raw.close();
    await reopen(f);
    expect((await f.traces.getChildren(RUN, child)).map((c) => c.id)).toEqual(['parent']); // the damage
    const tree = await f.traces.getTree(RUN, 'parent');
    expect(tree?.children.map((c) => c.trace.id)).toEqual(['child']);
    expect(tree?.children[0]?.children).toEqual([]);
  });
});
