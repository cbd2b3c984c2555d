import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cursorOf, type Trace } from '../src/index.js';
import { type Fixture, fixture, ids, sortedByTime } from './helpers.js';

const RUN = 'run-idx';
const thought = (content: string) => ({ type: 'thought', content }) as const;

describe('index exactness', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.t.dispose());

  const tricky = [
    'a',
    'a__b',
    'ab',
    'a:b',
    'a/b',
    'a b',
    'a\u0005',
    'A',
    'é',
    'e\u0301',
    '日本',
    '🙂',
    'a'.repeat(512),
  ];

  it('a tag matches only itself: never a tag it prefixes, nor separators, case or unicode look-alikes', async () => {
    const byTag = new Map<string, string>();
    for (const tag of tricky) {
      byTag.set(tag, await f.traces.record(RUN, thought(tag), { tags: [tag] }));
      f.clock.advance(1);
    }
    for (const tag of tricky) expect(ids(await f.traces.queryByTag(RUN, tag))).toEqual([byTag.get(tag)]);
    expect(await f.traces.queryByTag(RUN, 'a_')).toEqual([]);
    expect(await f.traces.queryByTag(RUN, 'a:')).toEqual([]);
    expect(await f.traces.queryByTag(RUN, '日')).toEqual([]);
  });

  it('custom traces are indexed under their own name, exactly, apart from the built-in types', async () => {
    const plan = await f.traces.record(RUN, { type: 'custom', name: 'plan', data: 1 });
    const planner = await f.traces.record(RUN, { type: 'custom', name: 'planner', data: 2 });
    const colon = await f.traces.record(RUN, { type: 'custom', name: 'plan:v2', data: 3 });
    const uni = await f.traces.record(RUN, { type: 'custom', name: 'ρlan', data: 4 });
    const t = await f.traces.record(RUN, thought('x'));
    expect(ids(await f.traces.queryByType(RUN, 'plan'))).toEqual([plan]);
    expect(ids(await f.traces.queryByType(RUN, 'planner'))).toEqual([planner]);
    expect(ids(await f.traces.queryByType(RUN, 'plan:v2'))).toEqual([colon]);
    expect(ids(await f.traces.queryByType(RUN, 'ρlan'))).toEqual([uni]);
    expect(ids(await f.traces.queryByType(RUN, 'thought'))).toEqual([t]);
    // 'custom' is the discriminant, not an index name: custom traces are listed by their names.
    expect(await f.traces.queryByType(RUN, 'custom')).toEqual([]);
    expect(await f.traces.queryByType(RUN, 'pla')).toEqual([]);
  });

  it('every listing is in (timestamp, id) order, not insertion order', async () => {
    const made: string[] = [];
    // Several traces per millisecond, ids chosen so that id order differs from insertion order.
    for (const [ms, id] of [
      [0, 'm'],
      [0, 'c'],
      [0, 'x'],
      [1, 'b'],
      [1, 'a'],
      [3, 'z'],
      [3, 'd'],
    ] as const) {
      f.clock.set(1_700_000_000_000 + ms);
      made.push(await f.traces.record(RUN, thought(id), { id, tags: ['all'] }));
    }
    const order = ['c', 'm', 'x', 'a', 'b', 'd', 'z'];
    expect(ids(await f.traces.list(RUN))).toEqual(order);
    expect(ids(await f.traces.queryByTag(RUN, 'all'))).toEqual(order);
    expect(ids(await f.traces.queryByType(RUN, 'thought'))).toEqual(order);
    expect(ids(await f.traces.getRoots(RUN))).toEqual(order);
    expect(ids(sortedByTime(await f.traces.list(RUN)))).toEqual(order);
  });

  it('queryByTime is [start, end) at millisecond precision', async () => {
    const t0 = 1_700_000_000_000;
    const at: Record<number, string> = {};
    for (const ms of [0, 1, 2, 999, 1000, 3_600_000]) {
      f.clock.set(t0 + ms);
      at[ms] = await f.traces.record(RUN, thought(String(ms)), { id: `t${ms}` });
    }
    expect(ids(await f.traces.queryByTime(RUN, t0, t0 + 1))).toEqual(['t0']);
    expect(ids(await f.traces.queryByTime(RUN, t0 + 1, t0 + 3))).toEqual(['t1', 't2']);
    expect(ids(await f.traces.queryByTime(RUN, t0 + 2, t0 + 2))).toEqual([]);
    expect(ids(await f.traces.queryByTime(RUN, t0 + 999, t0 + 1000))).toEqual(['t999']);
    expect(ids(await f.traces.queryByTime(RUN, t0 + 3, t0 + 3_600_000))).toEqual(['t999', 't1000']);
    expect(ids(await f.traces.queryByTime(RUN, t0 + 3_600_000, t0 + 3_600_001))).toEqual(['t3600000']);
    expect(ids(await f.traces.queryByTime(RUN, 0, Number.MAX_SAFE_INTEGER))).toHaveLength(6);
  });

  it('getChildren lists only direct children; getRoots only traces without a parent', async () => {
    const r1 = await f.traces.record(RUN, thought('r1'), { id: 'r1' });
    const r10 = await f.traces.record(RUN, thought('r10'), { id: 'r10' });
    const c = await f.traces.recordChild(RUN, r1, thought('c'), { id: 'c' });
    const g = await f.traces.recordChild(RUN, c, thought('g'), { id: 'g' });
    const c10 = await f.traces.recordChild(RUN, r10, thought('c10'), { id: 'c10' });
    expect(ids(await f.traces.getChildren(RUN, r1))).toEqual([c]);
    expect(ids(await f.traces.getChildren(RUN, r10))).toEqual([c10]);
    expect(ids(await f.traces.getChildren(RUN, c))).toEqual([g]);
    expect(await f.traces.getChildren(RUN, g)).toEqual([]);
    expect(await f.traces.getChildren(RUN, 'nobody')).toEqual([]);
    expect(ids(await f.traces.getRoots(RUN))).toEqual([r1, r10]);
  });
});

describe('paging', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.t.dispose());

  /** Pages through a listing with limit/after until a short page, returning every page's ids. */
  async function pages(fetch: (page: { limit: number; after?: string }) => Promise<Trace[]>, limit: number) {
    const out: string[][] = [];
    let after: string | undefined;
    for (;;) {
      const page = await fetch(after === undefined ? { limit } : { limit, after });
      out.push(ids(page));
      if (page.length < limit) return out;
      after = cursorOf(page.at(-1)!);
    }
  }

  it('limit + after walk every listing in order, each trace exactly once, across equal timestamps', async () => {
    const root = await f.traces.record(RUN, thought('root'), { id: 'root' });
    for (let i = 0; i < 25; i++) {
      if (i % 3 === 0) f.clock.advance(1); // three traces share each millisecond
      await f.traces.recordChild(RUN, root, { type: 'custom', name: 'step', data: i }, { tags: ['p'] });
    }
    const all = ids(await f.traces.queryByTag(RUN, 'p'));
    expect(all).toHaveLength(25);
    const t0 = (await f.traces.get(RUN, root))!.timestamp;
    const listings: [string, (p: { limit: number; after?: string }) => Promise<Trace[]>, string[]][] = [
      ['queryByTag', (p) => f.traces.queryByTag(RUN, 'p', p), all],
      ['queryByType', (p) => f.traces.queryByType(RUN, 'step', p), all],
      ['getChildren', (p) => f.traces.getChildren(RUN, root, p), all],
      ['list', (p) => f.traces.list(RUN, p), ['root', ...all]],
      ['queryByTime', (p) => f.traces.queryByTime(RUN, t0 + 1, t0 + 100, p), all],
    ];
    for (const [_name, fetch, expected] of listings) {
      const walked = await pages(fetch, 4);
      expect(walked.flat()).toEqual(expected);
      expect(walked.slice(0, -1).every((p) => p.length === 4)).toBe(true);
    }
  });

  it('a cursor before a time range starts at the range; one past its end yields nothing', async () => {
    const t0 = f.clock();
    const a = await f.traces.record(RUN, thought('a'), { id: 'a' });
    f.clock.advance(10);
    const b = await f.traces.record(RUN, thought('b'), { id: 'b' });
    const early = cursorOf({ timestamp: t0 - 5, id: 'zzz' });
    expect(ids(await f.traces.queryByTime(RUN, t0, t0 + 20, { after: early }))).toEqual([a, b]);
    const late = cursorOf({ timestamp: t0 + 10, id: 'b' });
    expect(await f.traces.queryByTime(RUN, t0, t0 + 20, { after: late })).toEqual([]);
    expect(ids(await f.traces.list(RUN, { after: cursorOf({ timestamp: t0, id: 'a' }) }))).toEqual([b]);
  });

  it('paging works inside a transaction view too, seeing its own writes', async () => {
    await f.db.transaction(
      async (tx) => {
        const view = f.traces.in(tx);
        for (let i = 0; i < 5; i++) await view.record(thought(String(i)), { id: `id${i}`, tags: ['v'] });
        const first = await view.queryByTag('v', { limit: 2 });
        expect(ids(first)).toEqual(['id0', 'id1']);
        const rest = await view.queryByTag('v', { after: cursorOf(first.at(-1)!) });
        expect(ids(rest)).toEqual(['id2', 'id3', 'id4']);
      },
      { runId: RUN },
    );
  });
});
