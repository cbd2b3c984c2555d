import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/index.js';
import { type Fixture, fixture, flatten } from './helpers.js';

const RUN = 'run-tree';
const BATCH = 5_000;

/** Records `n` traces in transactions of BATCH, each trace's parent chosen by `parentOf(i)` (an index < i). */
async function grow(f: Fixture, n: number, parentOf: (i: number) => number | undefined): Promise<string[]> {
  const made: string[] = [];
  for (let start = 0; start < n; start += BATCH) {
    await f.db.transaction(
      async (tx) => {
        const view = (f.traces as TraceStore).in(tx);
        for (let i = start; i < Math.min(n, start + BATCH); i++) {
          const p = parentOf(i);
          const id = `n${i}`;
          if (p === undefined) await view.record({ type: 'custom', name: 'node', data: i }, { id });
          else await view.recordChild(`n${p}`, { type: 'custom', name: 'node', data: i }, { id });
          made[i] = id;
          if (i % 7 === 0) f.clock.advance(1);
        }
      },
      { runId: RUN },
    );
  }
  return made;
}

describe('getTree', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.t.dispose());

  it('rebuilds a chain 10,000 deep without recursion', async () => {
    const n = 10_000;
    await grow(f, n, (i) => (i === 0 ? undefined : i - 1));
    const tree = await f.traces.getTree(RUN, 'n0');
    const nodes = flatten(tree!);
    expect(nodes).toHaveLength(n);
    nodes.forEach(({ node, depth }, i) => {
      expect(node.trace.id).toBe(`n${i}`);
      expect(depth).toBe(i);
      expect(node.children.length).toBe(i === n - 1 ? 0 : 1);
      if (i > 0) expect(node.trace.parentId).toBe(`n${i - 1}`);
    });
    // Any trace can be the root of its subtree.
    const sub = flatten((await f.traces.getTree(RUN, 'n9990'))!);
    expect(sub.map((x) => x.node.trace.id)).toEqual(Array.from({ length: 10 }, (_, k) => `n${9990 + k}`));
  });

  it('rebuilds a tree 10,000 wide with children in (timestamp, id) order', async () => {
    const n = 10_001;
    await grow(f, n, (i) => (i === 0 ? undefined : 0));
    const tree = (await f.traces.getTree(RUN, 'n0'))!;
    expect(tree.children).toHaveLength(n - 1);
    const expected = (await f.traces.getChildren(RUN, 'n0')).map((t) => t.id);
    expect(expected).toHaveLength(n - 1);
    expect(tree.children.map((c) => c.trace.id)).toEqual(expected);
    expect(tree.children.every((c) => c.children.length === 0 && c.trace.parentId === 'n0')).toBe(true);
    const stamps = tree.children.map((c) => c.trace.timestamp);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
  });

  it('matches a model on a mixed tree, and leaves out other trees of the run', async () => {
    // Deterministic pseudo-random parents: each node hangs under an earlier one; node 50 starts a second tree.
    let seed = 42;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const n = 300;
    const parents: (number | undefined)[] = [];
    for (let i = 0; i < n; i++) parents.push(i === 0 || i === 50 ? undefined : Math.floor(rand() * i));
    await grow(f, n, (i) => parents[i]);
    // Model: the set of descendants of node 0 with their depth.
    const depth = new Map<number, number>([[0, 0]]);
    for (let i = 1; i < n; i++) {
      const p = parents[i];
      if (p !== undefined && depth.has(p)) depth.set(i, depth.get(p)! + 1);
    }
    const nodes = flatten((await f.traces.getTree(RUN, 'n0'))!);
    expect(new Map(nodes.map((x) => [Number(x.node.trace.id.slice(1)), x.depth]))).toEqual(depth);
    for (const { node } of nodes) {
      const kids = node.children.map((c) => c.trace.id);
      expect(kids).toEqual((await f.traces.getChildren(RUN, node.trace.id)).map((t) => t.id));
    }
    expect((await f.traces.getRoots(RUN)).map((t) => t.id)).toEqual(['n0', 'n50']);
  });

  it('is undefined for a missing root, and sees uncommitted children inside a transaction', async () => {
    expect(await f.traces.getTree(RUN, 'missing')).toBeUndefined();
    const root = await f.traces.record(RUN, { type: 'thought', content: 'r' });
    await f.db.transaction(async (tx) => {
      const view = f.traces.in(tx, RUN);
      const c = await view.recordChild(root, { type: 'thought', content: 'c' });
      const g = await view.recordChild(c, { type: 'thought', content: 'g' });
      const tree = (await view.getTree(root))!;
      expect(flatten(tree).map((x) => x.node.trace.id)).toEqual([root, c, g]);
    });
    expect(flatten((await f.traces.getTree(RUN, root))!)).toHaveLength(3);
  });
});
