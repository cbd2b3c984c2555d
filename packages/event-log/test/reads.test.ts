import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Event } from '../src/index.js';
import { appendMany, type LogFixture, openLog } from './helpers.js';

let f: LogFixture;
beforeEach(async () => {
  f = await openLog();
});
afterEach(() => f.t.dispose());

const seqs = (events: Event[]) => events.map((e) => e.sequence);

describe('empty log', () => {
  it('has no head, length 0, no events and a valid empty chain', async () => {
    expect(await f.events.head('run-1')).toBeUndefined();
    expect(await f.events.len('run-1')).toBe(0);
    expect(await f.events.read('run-1', 0)).toBeUndefined();
    expect(await f.events.readRange('run-1', 0, 10)).toEqual([]);
    expect(await f.events.readByType('run-1', 'x')).toEqual([]);
    const all: Event[] = [];
    for await (const e of f.events.iter('run-1')) all.push(e);
    expect(all).toEqual([]);
    expect(await f.events.verifyChain('run-1')).toEqual({ valid: true, length: 0 });
  });
});

describe('readRange', () => {
  beforeEach(async () => {
    await appendMany(f, 'run-1', 10);
  });

  it('is half-open [start, end)', async () => {
    expect(seqs(await f.events.readRange('run-1', 2, 5))).toEqual([2, 3, 4]);
    expect(seqs(await f.events.readRange('run-1', 0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is empty for start = end and clipped at the end of the log', async () => {
    expect(await f.events.readRange('run-1', 4, 4)).toEqual([]);
    expect(seqs(await f.events.readRange('run-1', 8, 1000))).toEqual([8, 9]);
    expect(await f.events.readRange('run-1', 10, 20)).toEqual([]);
  });

  it('does not read the metadata or index entries that sort after the events', async () => {
    const reads = f.db().stats().reads;
    await f.events.readRange('run-1', 9, Number.MAX_SAFE_INTEGER);
    expect(f.db().stats().reads - reads).toBe(1);
  });
});

describe('head and len', () => {
  it('follow the last append, in O(1) reads', async () => {
    await appendMany(f, 'run-1', 3000);
    const before = f.db().stats().reads;
    expect(await f.events.len('run-1')).toBe(3000);
    expect((await f.events.head('run-1'))?.sequence).toBe(2999);
    expect(f.db().stats().reads - before).toBe(3); // meta; meta + head event
  });
});

describe('readByType', () => {
  it('on 10,000 events with 5 matches reads only the matches', async () => {
    const rare = new Set([17, 2048, 5000, 7777, 9999]);
    await appendMany(
      f,
      'run-1',
      10_000,
      (i) => (rare.has(i) ? 'rare' : `common-${i % 4}`),
      (i) => i,
      2500,
    );
    const before = f.db().stats().reads;
    const found = await f.events.readByType('run-1', 'rare');
    const cost = f.db().stats().reads - before;
    expect(seqs(found)).toEqual([...rare]);
    expect(found.every((e) => e.eventType === 'rare')).toBe(true);
    expect(cost).toBe(2 * rare.size); // one index entry + one record per match
  });

  it('matches the type exactly: "a" never returns "a__b" or "ab"', async () => {
    await appendMany(f, 'run-1', 6, (i) => ['a', 'a__b', 'ab'][i % 3]!);
    expect(seqs(await f.events.readByType('run-1', 'a'))).toEqual([0, 3]);
    expect(seqs(await f.events.readByType('run-1', 'a__b'))).toEqual([1, 4]);
  });

  it('indexes types whose UTF-8 form exceeds a key string (256 CJK characters)', async () => {
    const long = '事'.repeat(256);
    const other = `${'事'.repeat(255)}件`;
    await appendMany(f, 'run-1', 4, (i) => (i % 2 === 0 ? long : other));
    expect(seqs(await f.events.readByType('run-1', long))).toEqual([0, 2]);
    expect(seqs(await f.events.readByType('run-1', other))).toEqual([1, 3]);
    expect(await f.events.verifyChain('run-1')).toEqual({ valid: true, length: 4 });
  });
});

describe('iter', () => {
  it('streams every event in order, in batches, from any sequence', async () => {
    await appendMany(f, 'run-1', 25);
    const all: number[] = [];
    for await (const e of f.events.iter('run-1', { batchSize: 4 })) all.push(e.sequence);
    expect(all).toEqual(Array.from({ length: 25 }, (_, i) => i));
    const tail: number[] = [];
    for await (const e of f.events.iter('run-1', { from: 20, batchSize: 5 })) tail.push(e.sequence);
    expect(tail).toEqual([20, 21, 22, 23, 24]);
  });

  it('reads one batch per step, not the whole log, when the consumer stops early', async () => {
    await appendMany(f, 'run-1', 2000);
    const before = f.db().stats().reads;
    let n = 0;
    for await (const _ of f.events.iter('run-1', { batchSize: 10 })) if (++n === 15) break;
    // Two batches of 10; the engine's limited scan pulls one entry past its limit (see README).
    expect(f.db().stats().reads - before).toBeLessThanOrEqual(2 * 11);
  });

  it('stops at once when the signal is already aborted, or aborts in the middle of a batch', async () => {
    await appendMany(f, 'run-1', 6);
    const aborted = new AbortController();
    aborted.abort();
    const none: number[] = [];
    for await (const e of f.events.iter('run-1', { signal: aborted.signal })) none.push(e.sequence);
    expect(none).toEqual([]);
    const ac = new AbortController();
    const some: number[] = [];
    for await (const e of f.events.iter('run-1', { signal: ac.signal, batchSize: 4 })) {
      some.push(e.sequence);
      if (e.sequence === 1) ac.abort();
    }
    expect(some).toEqual([0, 1]);
  });

  it('with follow, waits for new events and ends when the signal aborts', async () => {
    await appendMany(f, 'run-1', 2);
    const ac = new AbortController();
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const e of f.events.iter('run-1', { follow: true, signal: ac.signal, batchSize: 2 })) {
        seen.push(e.sequence);
        if (e.eventType === 'done') ac.abort();
      }
    })();
    await f.events.append('run-other', 'noise', null);
    await f.events.append('run-1', 'more', null);
    await f.events.append('run-1', 'more', null);
    await f.events.append('run-1', 'done', null);
    await consumer;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('with follow, ends quietly when the database closes', async () => {
    const consumer = (async () => {
      const seen: number[] = [];
      for await (const e of f.events.iter('run-1', { follow: true })) seen.push(e.sequence);
      return seen;
    })();
    await f.events.append('run-1', 'a', null);
    await new Promise((r) => setTimeout(r, 20));
    await f.db().close();
    expect(await consumer).toEqual([0]);
    await f.t.reopen();
  });

  it('inside a transaction iterates its snapshot and refuses follow', async () => {
    await appendMany(f, 'run-1', 5);
    const got = await f.db().transaction(
      async (tx) => {
        const out: number[] = [];
        for await (const e of f.events.in(tx).iter({ from: 3 })) out.push(e.sequence);
        const refusal = await f.events
          .in(tx)
          .iter({ follow: true })
          .next()
          .catch((e: unknown) => e);
        return { out, refusal };
      },
      { runId: 'run-1' },
    );
    expect(got.out).toEqual([3, 4]);
    expect(got.refusal).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('the transaction view reads', () => {
  it('every method through the transaction snapshot', async () => {
    await appendMany(f, 'run-1', 6, (i) => `t${i % 2}`);
    const got = await f.db().transaction(
      async (tx) => {
        const view = f.events.in(tx);
        return {
          read: (await view.read(4))?.eventType,
          missing: await view.read(6),
          byType: seqs(await view.readByType('t1')),
          head: (await view.head())?.sequence,
          chain: await view.verifyChain(),
        };
      },
      { runId: 'run-1' },
    );
    expect(got).toEqual({
      read: 't0',
      missing: undefined,
      byType: [1, 3, 5],
      head: 5,
      chain: { valid: true, length: 6 },
    });
  });
});
