import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageOptions, RecordOptions, TraceType } from '../src/index.js';
import { expectCode, type Fixture, fixture, rawKeys } from './helpers.js';

const RUN = 'run-bad';
const OK: TraceType = { type: 'thought', content: 'fine' };
const EVERYTHING = { start: new Uint8Array([0x00]), end: new Uint8Array([0xff]) };

type Call = (f: Fixture) => Promise<unknown>;
const as = <T>(v: unknown) => v as T;

// Bad run ids, the constructor, in() and CLOSED: the shared primitive contract (contract.test.ts).
const badIds: unknown[] = [undefined, null, 7, '', 'has space', 'a.b', 'x'.repeat(65), 'é', {}];
const badNames: unknown[] = [undefined, null, 5, '', 'x'.repeat(513), 'a\u0000b', '\ud800'];
/** A bad name as a test title shows it: a long string by its length, not its 513 characters. */
const label = (bad: unknown): string =>
  typeof bad === 'string' && bad.length > 40 ? `a ${bad.length}-character string` : String(bad);
const badPages: unknown[] = [
  null,
  5,
  'limit=1',
  [],
  { limit: 0 },
  { limit: -1 },
  { limit: 1.5 },
  { limit: '10' },
  { limit: Number.NaN },
  { limit: Number.POSITIVE_INFINITY },
  { after: 'garbage' },
  { after: 5 },
  { after: '12.bad id' },
  { after: '-1.abc' },
  { after: '99999999999999999.abc' },
  { offset: 3 },
];
const badTimes: unknown[] = [undefined, null, Number.NaN, 1.5, '5', Number.POSITIVE_INFINITY, 2n, 2 ** 60];

function callsWithId(bad: unknown): [string, Call][] {
  const id = bad as string;
  return [
    ['recordChild(parentId)', (f) => f.traces.recordChild(RUN, id, OK)],
    ['get', (f) => f.traces.get(RUN, id)],
    ['exists', (f) => f.traces.exists(RUN, id)],
    ['getChildren', (f) => f.traces.getChildren(RUN, id)],
    ['getTree', (f) => f.traces.getTree(RUN, id)],
    ...(bad === undefined
      ? []
      : ([
          ['record({ id })', (f) => f.traces.record(RUN, OK, { id })],
          ['record({ parentId })', (f) => f.traces.record(RUN, OK, { parentId: id })],
        ] as [string, Call][])),
  ];
}

function callsWithPage(bad: unknown): [string, Call][] {
  const p = bad as PageOptions;
  return [
    ['list', (f) => f.traces.list(RUN, p)],
    ['queryByType', (f) => f.traces.queryByType(RUN, 'thought', p)],
    ['queryByTag', (f) => f.traces.queryByTag(RUN, 'a', p)],
    ['queryByTime', (f) => f.traces.queryByTime(RUN, 0, 10, p)],
    ['getChildren', (f) => f.traces.getChildren(RUN, 'parent', p)],
    ['getRoots', (f) => f.traces.getRoots(RUN, p)],
  ];
}

const badRecordOptions: [string, unknown, string][] = [
  ['null options', null, 'INVALID_ARGUMENT'],
  ['string options', 'tags', 'INVALID_ARGUMENT'],
  ['array options', [], 'INVALID_ARGUMENT'],
  ['a misspelt option', { tag: ['a'] }, 'INVALID_ARGUMENT'],
  ['tags not an array', { tags: 'a' }, 'INVALID_ARGUMENT'],
  ['a numeric tag', { tags: ['ok', 1] }, 'INVALID_ARGUMENT'],
  ['an empty tag', { tags: [''] }, 'INVALID_ARGUMENT'],
  ['a 513-byte tag', { tags: ['x'.repeat(513)] }, 'INVALID_ARGUMENT'],
  ['a tag with U+0000', { tags: ['a\u0000'] }, 'INVALID_ARGUMENT'],
  ['a tag with a lone surrogate', { tags: ['\udc00'] }, 'INVALID_ARGUMENT'],
  ['257 tags', { tags: Array.from({ length: 257 }, (_, i) => `t${i}`) }, 'INVALID_ARGUMENT'],
  ['a hole in tags', { tags: Array(2) }, 'INVALID_ARGUMENT'],
  ['a function in metadata', { metadata: { f: () => 1 } }, 'INVALID_VALUE'],
  ['a Map as metadata', { metadata: new Map() }, 'INVALID_VALUE'],
  ['a symbol in metadata', { metadata: [Symbol('s')] }, 'INVALID_VALUE'],
];

describe('bad input is refused with the documented code and changes nothing', () => {
  let f: Fixture;
  let before: string[];
  beforeAll(async () => {
    f = await fixture();
    const parent = await f.traces.record(RUN, OK, { id: 'parent', tags: ['a'] });
    await f.traces.recordChild(RUN, parent, OK, { id: 'child' });
    before = await rawKeys(f.db, EVERYTHING);
  });
  afterAll(async () => {
    // Nothing any refused call did reached the store.
    expect(await rawKeys(f.db, EVERYTHING)).toEqual(before);
    expect(await f.traces.count(RUN)).toBe(2);
    await f.t.dispose();
  });

  it.each(badIds.flatMap((bad) => callsWithId(bad).map(([m, call]) => [m, String(bad), call] as const)))(
    '%s with trace id %s → INVALID_ARGUMENT',
    async (_m, _bad, call) => {
      await expectCode(call(f), 'INVALID_ARGUMENT', /id/);
    },
  );

  it.each(
    badNames.flatMap((bad) => [
      ['queryByType', label(bad), (g: Fixture) => g.traces.queryByType(RUN, bad as string)] as const,
      ['queryByTag', label(bad), (g: Fixture) => g.traces.queryByTag(RUN, bad as string)] as const,
    ]),
  )('%s with %s → INVALID_ARGUMENT', async (_m, _bad, call) => {
    await expectCode(call(f), 'INVALID_ARGUMENT', /type name|tag/);
  });

  it.each(
    badPages.flatMap((bad) => callsWithPage(bad).map(([m, call]) => [m, JSON.stringify(bad), call] as const)),
  )('%s with page options %s → INVALID_ARGUMENT', async (_m, _bad, call) => {
    await expectCode(call(f), 'INVALID_ARGUMENT', /page options|limit|after|unknown page option/);
  });

  it.each(
    badTimes.flatMap((bad) => [
      [String(bad), 'start', bad, 10] as const,
      [String(bad), 'end', 0, bad] as const,
    ]),
  )('queryByTime with %s as %s → INVALID_ARGUMENT', async (_bad, _which, start, end) => {
    await expectCode(
      f.traces.queryByTime(RUN, start as number, end as number),
      'INVALID_ARGUMENT',
      /Ms must be integer/,
    );
  });

  it('queryByTime with start after end → INVALID_ARGUMENT', async () => {
    await expectCode(f.traces.queryByTime(RUN, 10, 9), 'INVALID_ARGUMENT', /must not be after/);
  });

  // Titles name the case and the code, never the options (one holds 257 tags).
  it.each(badRecordOptions.map(([name, opts, code]) => [name, code, opts] as const))(
    'record and recordChild with %s → %s',
    async (_name, code, opts) => {
      await expectCode(f.traces.record(RUN, OK, as<RecordOptions>(opts)), code);
      await expectCode(f.traces.recordChild(RUN, 'parent', OK, as<RecordOptions>(opts)), code);
      await f.db.transaction(async (tx) => {
        await expectCode(f.traces.in(tx, RUN).record(OK, as<RecordOptions>(opts)), code);
      });
    },
  );

  it('recordChild refuses a parentId option (the parent is its argument)', async () => {
    await expectCode(
      f.traces.recordChild(RUN, 'parent', OK, as<RecordOptions>({ parentId: 'parent' })),
      'INVALID_ARGUMENT',
      /unknown record option "parentId"/,
    );
  });
});
