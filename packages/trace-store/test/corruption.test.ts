import type { Value } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BY_PARENT, BY_TYPE, indexKey, recordKey } from '../src/layout.js';
import { expectCode, type Fixture, fixture } from './helpers.js';

/**
 * Records and index entries that TraceStore could not have written (put directly through the engine,
 * as a foreign writer would) read as CORRUPTION, never as a wrong trace, and a damaged parent link
 * cannot make getTree loop.
 */

const RUN = 'run-corrupt';
let f: Fixture;
beforeEach(async () => {
  f = await fixture();
});
afterEach(() => f.t.dispose());

async function forge(key: Uint8Array, value: Value): Promise<void> {
  await f.db.transaction((tx) => tx.put(key, value));
}

describe('malformed stored traces', () => {
  it.each([
    ['not an object', () => 'just a string' as Value, /expected an object/],
    ['under another id', (good: Record<string, Value>) => ({ ...good, id: 'someone-else' }), /holds id/],
    [
      'without a timestamp',
      (good: Record<string, Value>) => ({ ...good, timestamp: 'noon' }),
      /no timestamp/,
    ],
    ['without tags', (good: Record<string, Value>) => ({ ...good, tags: 'urgent' }), /no tags/],
    ['without a traceType', (good: Record<string, Value>) => ({ ...good, traceType: null }), /no traceType/],
    [
      'with a non-string parentId',
      (good: Record<string, Value>) => ({ ...good, parentId: 5 }),
      /bad parentId/,
    ],
  ])('a record %s reads as CORRUPTION', async (_name, damage, message) => {
    const id = await f.traces.record(RUN, { type: 'custom', name: 'step', data: null });
    const good = (await f.db.get(recordKey(RUN, id))) as Record<string, Value>;
    await forge(recordKey(RUN, id), damage(good));
    await expectCode(f.traces.get(RUN, id), 'CORRUPTION', message);
    await expectCode(f.traces.list(RUN), 'CORRUPTION', message);
  });

  it('an index entry that does not hold a trace id reads as CORRUPTION', async () => {
    await f.traces.record(RUN, { type: 'custom', name: 'step', data: null });
    await forge(indexKey(RUN, [BY_TYPE, 'step'], 1, 'forged'), 5);
    await expectCode(f.traces.queryByType(RUN, 'step'), 'CORRUPTION', /does not hold a trace id/);
  });

  it('a parent link forged into a cycle does not make getTree loop: each trace appears once', async () => {
    const root = await f.traces.record(RUN, { type: 'custom', name: 'root', data: null });
    const child = await f.traces.recordChild(RUN, root, { type: 'custom', name: 'child', data: null });
    const rootTrace = (await f.traces.get(RUN, root))!;
    // The child now also "has" the root as a child.
    await forge(indexKey(RUN, [BY_PARENT, child], rootTrace.timestamp, root), root);
    const tree = (await f.traces.getTree(RUN, root))!;
    expect(tree.trace.id).toBe(root);
    expect(tree.children.map((c) => c.trace.id)).toEqual([child]);
    expect(tree.children[0]!.children).toEqual([]);
  });
});
