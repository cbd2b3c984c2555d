import { manualClock } from '@agentdb/engine/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentDBStore, type EmbeddingsLike } from '../src/index.js';
import { textsAtPath } from '../src/store/embed-text.js';
import { openTestDatabase, type TestDatabase } from './helpers.js';

/** A deterministic local embedding: letter counts a–z (no network model). */
function letters(text: string): number[] {
  const v = new Array<number>(26).fill(0);
  for (const ch of text.toLowerCase()) {
    const i = ch.charCodeAt(0) - 97;
    if (i >= 0 && i < 26) v[i]! += 1;
  }
  return v;
}

function cosine(a: number[], b: number[]): number {
  const dot = a.reduce((s, x, i) => s + x * b[i]!, 0);
  const n = Math.sqrt(a.reduce((s, x) => s + x * x, 0) * b.reduce((s, x) => s + x * x, 0));
  return n === 0 ? 0 : dot / n;
}

const calls: string[][] = [];
const embed = async (texts: string[]) => {
  calls.push(texts);
  return texts.map(letters);
};

const DOCS: Record<string, string> = {
  tea: 'green tea with lemon',
  coffee: 'strong black coffee',
  cake: 'lemon cake and tea',
  code: 'typescript code review',
  zzz: 'zzz',
};

let t: TestDatabase | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
  calls.length = 0;
});

async function storeWithDocs(options: ConstructorParameters<typeof AgentDBStore>[1] = {}) {
  t = await openTestDatabase();
  const store = new AgentDBStore(t.db, { index: { dims: 26, embed, fields: ['text'] }, ...options });
  for (const [key, text] of Object.entries(DOCS))
    await store.put(['docs', key.length > 3 ? 'long' : 'short'], key, { text });
  return store;
}

describe('semantic search', () => {
  it('ranks every candidate by exact cosine similarity to the query, best first, with its score', async () => {
    const store = await storeWithDocs();
    const query = 'lemon tea';
    const hits = await store.search(['docs'], { query, limit: 10 });
    const expected = Object.entries(DOCS)
      .map(([key, text]) => ({ key, score: cosine(letters(query), letters(text)) }))
      .sort((a, b) => b.score - a.score);
    expect(hits.map((h) => h.key)).toEqual(expected.map((e) => e.key));
    for (const [i, h] of hits.entries()) expect(h.score).toBeCloseTo(expected[i]!.score, 5);
    // offset/limit page through the same ranking.
    const page = await store.search(['docs'], { query, limit: 2, offset: 1 });
    expect(page.map((h) => h.key)).toEqual(expected.slice(1, 3).map((e) => e.key));
  });

  it('combines the query with a namespace prefix and a filter', async () => {
    const store = await storeWithDocs();
    await store.put(['docs', 'short'], 'mug', { text: 'lemon tea mug', kind: 'thing' });
    const hits = await store.search(['docs', 'short'], {
      query: 'lemon tea',
      filter: { kind: { $exists: false } },
    });
    expect(hits.map((h) => h.key)).toEqual(['tea', 'zzz']);
  });

  it('embeds the index fields of each put in one call per batch, or the fields a put names, or none', async () => {
    const store = await storeWithDocs();
    expect(calls).toHaveLength(Object.keys(DOCS).length);
    calls.length = 0;
    await store.batch([
      { namespace: ['n'], key: 'a', value: { text: 'alpha', other: 'beta' } },
      { namespace: ['n'], key: 'b', value: { text: 'gamma', other: 'delta' }, index: ['other'] },
      { namespace: ['n'], key: 'c', value: { text: 'eps' }, index: false },
    ]);
    expect(calls).toEqual([['alpha', 'delta']]);
    const hits = await store.search(['n'], { query: 'delta' });
    expect(hits[0]?.key).toBe('b');
    expect(hits[0]?.score).toBeCloseTo(1, 5);
    // An item without vectors comes after every scored one, with no score.
    expect(hits.map((h) => h.key)).toEqual(['b', 'a', 'c']);
    expect(hits[2]?.score).toBeUndefined();
  });

  it('indexes nested and array paths, one vector per text, scoring an item by its best text', async () => {
    t = await openTestDatabase();
    const store = new AgentDBStore(t.db, {
      index: { dims: 26, embed, fields: ['title', 'chapters[*].body'] },
    });
    await store.put(['book'], 'b1', { title: 'xx', chapters: [{ body: 'qqq' }, { body: 'lemon tea' }] });
    await store.put(['book'], 'b2', { title: 'lemon', chapters: [] });
    expect(calls.flat()).toEqual(['xx', 'qqq', 'lemon tea', 'lemon']);
    const [first] = await store.search(['book'], { query: 'lemon tea' });
    expect(first?.key).toBe('b1');
    expect(first?.score).toBeCloseTo(1, 5);
  });

  it('takes a LangChain-style Embeddings object (embedDocuments / embedQuery), as `embed` or `embeddings`', async () => {
    const queries: string[] = [];
    const embeddings: EmbeddingsLike = {
      embedDocuments: async (texts) => texts.map(letters),
      embedQuery: async (text) => {
        queries.push(text);
        return letters(text);
      },
    };
    t = await openTestDatabase();
    for (const index of [
      { dims: 26, embed: embeddings },
      { dims: 26, embeddings },
    ]) {
      const store = new AgentDBStore(t.db, { index, runId: `s${queries.length}` });
      await store.put(['x'], 'a', { t: 'abc' });
      await store.put(['x'], 'b', { t: 'xyz' });
      expect((await store.search(['x'], { query: 'xyz' })).map((h) => h.key)).toEqual(['b', 'a']);
    }
    expect(queries).toEqual(['xyz', 'xyz']);
  });

  it('ignores the query without an index, as LangGraph does, returning key order without scores', async () => {
    t = await openTestDatabase();
    const store = new AgentDBStore(t.db);
    await store.put(['x'], 'b', { t: 1 });
    await store.put(['x'], 'a', { t: 2 });
    const hits = await store.search(['x'], { query: 'anything' });
    expect(hits.map((h) => [h.key, 'score' in h])).toEqual([
      ['a', false],
      ['b', false],
    ]);
  });

  it('refuses vectors of the wrong size before writing anything', async () => {
    t = await openTestDatabase();
    const store = new AgentDBStore(t.db, {
      index: { dims: 3, embed: async (texts) => texts.map(() => [1, 2]) },
    });
    await expect(store.put(['x'], 'a', { t: 'abc' })).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    expect(await store.get(['x'], 'a')).toBeNull();
  });
});

describe('filters', () => {
  it('compares objects, arrays and dates by content, and order operators only like with like', async () => {
    t = await openTestDatabase();
    const store = new AgentDBStore(t.db);
    const when = new Date('2024-05-01T00:00:00Z');
    await store.put(['f'], 'a', { tags: ['x', 'y'], meta: { v: 1 }, at: when, n: 5, s: '5' });
    await store.put(['f'], 'b', { tags: ['x'], meta: { v: 2 }, at: new Date(0), n: 1, s: '10', nil: null });
    const keys = async (filter: Record<string, unknown>) =>
      (await store.search(['f'], { filter })).map((i) => i.key);
    expect(await keys({ tags: ['x', 'y'] })).toEqual(['a']);
    expect(await keys({ meta: { v: 2 } })).toEqual(['b']);
    expect(await keys({ at: { $gt: new Date(1) } })).toEqual(['a']);
    expect(await keys({ n: { $gt: 2 } })).toEqual(['a']);
    expect(await keys({ s: { $gt: '2' } })).toEqual(['a']); // strings compare as strings: '5' > '2' > '10'
    expect(await keys({ s: { $gt: 2 } })).toEqual([]); // a string is never ordered against a number
    expect(await keys({ nil: { $exists: true } })).toEqual(['b']); // null is present
    expect(await keys({ nil: null })).toEqual(['b']);
    expect(await keys({ n: { $in: [1, 7] }, tags: { $ne: ['x', 'y'] } })).toEqual(['b']);
    expect(await keys({ missing: undefined })).toEqual(['a', 'b']); // undefined conditions are dropped
  });
});

describe('TTL', () => {
  it('applies the default TTL, keeps explicit ones, and renews on read only when refreshOnRead', async () => {
    const clock = manualClock();
    t = await openTestDatabase({ clock });
    const fixed = new AgentDBStore(t.db, { runId: 'fixed', ttl: { defaultTtl: 10, refreshOnRead: false } });
    const renewing = new AgentDBStore(t.db, { runId: 'renewing', ttl: { defaultTtl: 10 } });
    for (const store of [fixed, renewing]) {
      await store.put(['t'], 'default', { v: 1 });
      await store.put(['t'], 'forever', { v: 2 }, undefined, { ttl: null });
      await store.put(['t'], 'long', { v: 3 }, undefined, { ttl: 60 });
    }
    clock.advance(6 * 60_000);
    for (const store of [fixed, renewing]) expect(await store.get(['t'], 'default')).not.toBeNull();
    clock.advance(6 * 60_000); // 12 minutes after the put, 6 after the read
    expect(await fixed.get(['t'], 'default')).toBeNull();
    expect(await renewing.get(['t'], 'default')).not.toBeNull();
    clock.advance(24 * 60 * 60_000);
    for (const store of [fixed, renewing]) {
      expect((await store.search(['t'])).map((i) => i.key)).toEqual(['forever']);
    }
  });
});

describe('index field paths', () => {
  it('select texts as LangGraph documents them: $, nested fields, [i], [-i], [*]; leaves as text or JSON', () => {
    const doc = {
      a: { b: 'x', n: 3, t: true, z: null },
      list: [{ c: 'p' }, { c: 'q' }, { d: 1 }],
      arr: ['u', 'v'],
    };
    expect(textsAtPath(doc, '$')).toEqual([JSON.stringify(doc, null, 2)]);
    expect(textsAtPath(doc, 'a.b')).toEqual(['x']);
    expect(textsAtPath(doc, 'a.n')).toEqual(['3']);
    expect(textsAtPath(doc, 'a.t')).toEqual(['true']);
    expect(textsAtPath(doc, 'a.z')).toEqual([]);
    expect(textsAtPath(doc, 'a')).toEqual([JSON.stringify(doc.a, null, 2)]);
    expect(textsAtPath(doc, 'list[*].c')).toEqual(['p', 'q']);
    expect(textsAtPath(doc, 'list[1].c')).toEqual(['q']);
    expect(textsAtPath(doc, 'arr[-1]')).toEqual(['v']);
    expect(textsAtPath(doc, 'arr[5]')).toEqual([]);
    expect(textsAtPath(doc, 'a[0]')).toEqual([]);
    expect(textsAtPath(doc, 'missing.deeper')).toEqual([]);
    expect(() => textsAtPath(doc, 'a..b')).toThrowError(/INVALID_ARGUMENT/);
  });
});
