import { rmSync } from 'node:fs';
import { RUN_STATUSES } from '@agentdb/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromTypedJson } from '../src/typed-json.js';
import { inProcess } from './helpers/cli.js';
import { buildFixture, type Fixture, RUN, TOOL_PAYLOAD } from './helpers/fixture.js';

// The detailed output of every command. These run the built CLI's runCli in-process (helpers/cli.ts)
// so each check does not pay a Node start-up; cli-process.test.ts runs the binary itself.

let f: Fixture;
beforeAll(async () => {
  f = await buildFixture();
});
afterAll(() => rmSync(f.dir, { recursive: true, force: true }));

/** Runs a command that must succeed and print nothing on stderr; returns its stdout. */
async function ok(...args: string[]): Promise<string> {
  const r = await inProcess([f.dir, ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout;
}

async function json<T = unknown>(...args: string[]): Promise<T> {
  return JSON.parse(await ok(...args, '--json')) as T;
}

const lines = (s: string) => s.trimEnd().split('\n');

describe('runs', () => {
  it('lists every run of the index, oldest first, and names data without a record', async () => {
    const out = lines(await ok('runs'));
    expect(out[0]).toMatch(/^RUN\s+STATUS\s+CREATED\s+NAME\s+PARENT\s+TAGS$/);
    expect(out.slice(1, 6).map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      [RUN.main, 'active'],
      [RUN.childDone, 'completed'],
      [RUN.childFailed, 'failed'],
      [RUN.paused, 'paused'],
      [RUN.archived, 'archived'],
    ]);
    expect(out[1]).toMatch(/^triage-1 +active +\S+Z +Triage inbox +- +prod, eval$/);
    expect(out[2]).toMatch(/^triage-1-a +completed +\S+Z +- +triage-1 +prod$/);
    expect(out[6]).toBe('(data without a run record: scratch)');
    expect(out).toHaveLength(7);
  });

  it('filters by status and by tag through the index', async () => {
    const ids = async (...args: string[]) =>
      (await json<{ runId: string }[]>('runs', ...args)).map((r) => r.runId);
    expect(await ids('--status', 'failed')).toEqual([RUN.childFailed]);
    expect(await ids('--tag', 'prod')).toEqual([RUN.main, RUN.childDone]);
    expect(await ids('--tag', 'prod', '--status', 'completed')).toEqual([RUN.childDone]);
    expect(await ids('--tag', 'pro')).toEqual([]); // tags are exact
    expect(await ids('--limit', '2')).toEqual([RUN.main, RUN.childDone]);
  });

  it('prints records losslessly with --json (a bigint in metadata stays a bigint)', async () => {
    const [main] = await json<Record<string, unknown>[]>('runs', '--tag', 'eval');
    expect(fromTypedJson(main!.metadata)).toStrictEqual({ model: 'm-1', budget: 10n });
    expect(main).toMatchObject({
      runId: RUN.main,
      status: 'active',
      name: 'Triage inbox',
      tags: ['prod', 'eval'],
    });
  });
});

describe('run', () => {
  it('shows the record, its children, counts per primitive and the last events', async () => {
    const out = await ok('run', RUN.main);
    expect(out).toMatch(/^run {7}triage-1$/m);
    expect(out).toMatch(/^status {4}active$/m);
    expect(out).toMatch(/^tags {6}prod, eval$/m);
    expect(out).toMatch(/^metadata {2}\{"model":"m-1","budget":10n\}$/m);
    expect(out).toMatch(/^children {2}triage-1-a \(completed\), triage-1-b \(failed\)$/m);
    // 7 live keys (the expired cache entry does not count), 10 events, 4 cells, 6 traces.
    expect(out).toMatch(/^counts {4}kv 7 · events 10 · state 4 · traces 6$/m);
    expect(out).toMatch(/^last 5 events$/m);
    expect(out).toMatch(/^ {2}#9 {2}\S+Z {2}answer {7}\{"text":"It is 21.5C in Lyon."\}$/m);
    expect(out).toMatch(/^ {2}#5 /m);
    expect(out).not.toMatch(/#4 /);
  });

  it('shows a failed child run with its parent and error', async () => {
    const out = await ok('run', RUN.childFailed, '--events', '0');
    expect(out).toMatch(/^parent {4}triage-1$/m);
    expect(out).toMatch(/^error {5}tool timed out$/m);
    expect(out).toMatch(/^completed \S+Z$/m);
    expect(out).not.toMatch(/^last/m);
  });

  it('shows a run that has data but no record', async () => {
    const out = await ok('run', RUN.unindexed);
    expect(out).toMatch(/^record {4}none /m);
    expect(out).toMatch(/^counts {4}kv 1 · events 1 · state 0 · traces 0$/m);
  });

  it('gives everything with --json', async () => {
    const r = await json<{
      run: { runId: string };
      children: { runId: string }[];
      counts: Record<string, number>;
      lastEvents: { sequence: number }[];
    }>('run', RUN.main, '--events', '2');
    expect(r.run.runId).toBe(RUN.main);
    expect(r.children.map((c) => c.runId)).toEqual([RUN.childDone, RUN.childFailed]);
    expect(r.counts).toEqual({ kv: 7, events: 10, state: 4, traces: 6 });
    expect(r.lastEvents.map((e) => e.sequence)).toEqual([8, 9]);
    expect((await json<{ run: null }>('run', RUN.unindexed)).run).toBeNull();
  });
});

describe('events', () => {
  const seqs = (out: string) => lines(out).map((l) => Number(/#(\d+)/.exec(l)![1]));

  it('prints the log in order, from a sequence, and by type', async () => {
    expect(seqs(await ok('events', RUN.main))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(seqs(await ok('events', RUN.main, '--from', '7'))).toEqual([7, 8, 9]);
    expect(seqs(await ok('events', RUN.main, '--type', 'tool_result'))).toEqual([2, 4, 6, 8]);
    expect(seqs(await ok('events', RUN.main, '--type', 'tool_result', '--from', '5'))).toEqual([6, 8]);
    expect(await ok('events', RUN.main, '--from', '10')).toBe('');
    expect(await ok('events', RUN.main, '--type', 'nothing')).toBe('');
  });

  it('aligns the type column and renders special values', async () => {
    const out = lines(await ok('events', RUN.main, '--from', '8'));
    expect(out[0]).toMatch(/^#8 {2}\S+Z {2}tool_result {2}\{"step":3,"ok":true,"bytes":bytes\(1:03\)\}$/);
    expect(out[1]).toMatch(/^#9 {2}\S+Z {2}answer {7}\{"text"/);
    expect(await ok('events', RUN.main, '--from', '0')).toContain('"at":Date(1970-01-01T00:00:00.000Z)');
  });

  it('gives payloads losslessly with --json, with hashes that chain', async () => {
    const events = await json<{ sequence: number; payload: unknown; prevHash: string; hash: string }[]>(
      'events',
      RUN.main,
    );
    expect(events).toHaveLength(10);
    const { step, ...payload } = fromTypedJson(events[1]!.payload) as Record<string, unknown>;
    expect(step).toBe(0);
    expect(payload).toStrictEqual(TOOL_PAYLOAD);
    expect(events[0]!.prevHash).toBe('0'.repeat(64));
    for (let i = 1; i < events.length; i++) expect(events[i]!.prevHash).toBe(events[i - 1]!.hash);
  });
});

describe('traces', () => {
  it('lists traces with their parents, types, tags and a summary', async () => {
    const out = lines(await ok('traces', RUN.main));
    expect(out[0]).toMatch(/^ID\s+PARENT\s+TIME\s+TYPE\s+TAGS\s+SUMMARY$/);
    expect(out.map((l) => l.split(/\s+/)[0])).toEqual([
      'ID',
      'plan-1',
      'call-1',
      'err-1',
      'dec-1',
      'q-1',
      'refl-1',
    ]);
    expect(out[2]).toMatch(
      /^call-1 +plan-1 +\S+Z +tool_call +tools +search\(\{"q":"weather Lyon"\}\) → \["21.5C"\] 120ms$/,
    );
  });

  it('filters by type and tag through the indices, and intersects both', async () => {
    const ids = async (...args: string[]) =>
      (await json<{ id: string }[]>('traces', RUN.main, ...args)).map((t) => t.id);
    expect(await ids('--tag', 'tools')).toEqual(['call-1', 'q-1']);
    expect(await ids('--type', 'error')).toEqual(['err-1']);
    expect(await ids('--type', 'reflection')).toEqual(['refl-1']);
    expect(await ids('--type', 'query', '--tag', 'tools')).toEqual(['q-1']);
    expect(await ids('--type', 'error', '--tag', 'tools')).toEqual([]);
  });

  it('draws one tree with box-drawing characters', async () => {
    expect(await ok('traces', RUN.main, '--tree', 'plan-1')).toBe(
      [
        'thought plan-1  search the weather first (confidence 0.8) [planning]',
        '├─ tool_call call-1  search({"q":"weather Lyon"}) → ["21.5C"] 120ms [tools]',
        '│  └─ error err-1  Timeout: first attempt slow (recoverable)',
        '└─ decision dec-1  answer now? → yes (enough data)',
        '',
      ].join('\n'),
    );
  });

  it('draws every root with --tree alone, and gives trees as JSON', async () => {
    const out = lines(await ok('traces', RUN.main, '--tree'));
    expect(out).toHaveLength(6);
    expect(out.slice(4)).toEqual([
      'query q-1  vector: lyon climate (3 results) [tools, retrieval]',
      'reflection refl-1  {"ok":true}',
    ]);
    const trees = await json<{ trace: { id: string }; children: unknown[] }[]>(
      'traces',
      RUN.main,
      '--tree',
      'call-1',
    );
    expect(trees).toHaveLength(1);
    expect(trees[0]!.trace.id).toBe('call-1');
    expect(trees[0]!.children).toHaveLength(1);
  });
});

describe('kv and state', () => {
  it('lists live KV entries with their expiry (the expired entry is absent)', async () => {
    const out = lines(await ok('kv', RUN.main));
    expect(out[0]).toMatch(/^KEY\s+EXPIRES\s+VALUE$/);
    expect(out.slice(1).map((l) => l.split(/\s+/)[0])).toEqual([
      'cache:weather',
      'plan',
      'step:0',
      'step:1',
      'step:2',
      'step:3',
      'tool:search:1',
    ]);
    expect(out[1]).toBe(`cache:weather  ${new Date(f.liveExpiry).toISOString()}  {"temp":21.5,"unit":"C"}`);
    expect(out[2]).toMatch(/^plan +- +\["search","summarise","answer"\]$/);
    expect(lines(await ok('kv', RUN.main, 'list', '--prefix', 'step:'))).toHaveLength(5);
  });

  it('gets one value, readable or lossless', async () => {
    expect(await ok('kv', RUN.main, 'get', 'plan')).toBe('["search","summarise","answer"]\n');
    expect(await ok('kv', RUN.main, 'get', 'tool:search:1')).toContain('"big":1180591620717411303424n');
    const got = await json<{ value: unknown }>('kv', RUN.main, 'get', 'tool:search:1');
    expect(fromTypedJson(got.value)).toStrictEqual(TOOL_PAYLOAD);
    expect(await json('kv', RUN.main, 'get', 'cache:weather')).toMatchObject({ expiresAt: f.liveExpiry });
    const listed = await json<{ key: string; expiresAt?: number }[]>('kv', RUN.main);
    expect(listed.filter((e) => e.expiresAt !== undefined).map((e) => e.key)).toEqual(['cache:weather']);
  });

  it('lists state cells with their versions, and shows one', async () => {
    const out = await ok('state', RUN.main);
    expect(out).toMatch(/^counter +4 +\S+Z +4$/m);
    expect(out).toMatch(/^leader +2 +\S+Z +"agent-2"$/m); // re-created above its deleted version
    expect(out).toMatch(/^phase +3 +\S+Z +"answering"$/m);
    expect(await ok('state', RUN.main, 'phase')).toMatch(
      /^name {5}phase\nversion {2}3\nupdated {2}\S+Z\nvalue {4}"answering"\n$/,
    );
    expect(await json('state', RUN.main, 'phase')).toMatchObject({
      name: 'phase',
      value: 'answering',
      version: 3,
    });
  });
});

describe('stats', () => {
  it('reports sizes, counts and the commit log', async () => {
    const s = await json<{
      sizeBytes: number;
      files: { file: string; bytes: number }[];
      version: number;
      commitLog: { length: number; trimmedThrough: number };
      runs: { indexed: number; withData: number; byStatus: Record<string, number> };
      totals: Record<string, number>;
    }>('stats');
    expect(s.sizeBytes).toBeGreaterThan(0);
    expect(s.files.map((x) => x.file)).toContain('data.mdb');
    expect(s.commitLog).toEqual({ length: s.version, trimmedThrough: 0 });
    expect(s.runs.indexed).toBe(5);
    expect(s.runs.withData).toBe(6);
    expect(Object.keys(s.runs.byStatus)).toEqual([...RUN_STATUSES]);
    expect(s.runs.byStatus).toMatchObject({
      active: 1,
      completed: 1,
      failed: 1,
      cancelled: 0,
      paused: 1,
      archived: 1,
    });
    expect(s.totals).toEqual({ kv: 9, events: 18, state: 4, traces: 7 });
    const text = await ok('stats');
    expect(text).toMatch(
      new RegExp(`^commit log  ${s.version} commits retained, latest version ${s.version}$`, 'm'),
    );
    expect(text).toMatch(
      /^runs {8}5 in the run index \(active 1, completed 1, failed 1, paused 1, archived 1\)/m,
    );
  });
});

describe('output conventions', () => {
  it('colours on a terminal, never with NO_COLOR, never in JSON', async () => {
    const esc = '\u001b[';
    expect((await inProcess([f.dir, 'runs'], { tty: true })).stdout).toContain(esc);
    expect((await inProcess([f.dir, 'runs'], { tty: false })).stdout).not.toContain(esc);
    expect((await inProcess([f.dir, 'runs'], { tty: true, env: { NO_COLOR: '1' } })).stdout).not.toContain(
      esc,
    );
    expect((await inProcess([f.dir, 'runs', '--json'], { tty: true })).stdout).not.toContain(esc);
  });

  it.each([
    ['runs'],
    ['run', RUN.main],
    ['events', RUN.main],
    ['verify'],
    ['traces', RUN.main],
    ['traces', RUN.main, '--tree'],
    ['kv', RUN.main],
    ['kv', RUN.main, 'get', 'plan'],
    ['state', RUN.main],
    ['state', RUN.main, 'phase'],
    ['stats'],
  ])('%s … has --json', async (...args) => {
    await expect(json(...args)).resolves.toBeDefined();
  });
});

// Every long listing takes --limit, and its --json is a stream with the text of one indented array.
// [listing, its arguments, how many items it has without a limit]
const LISTINGS: [string, string[], number][] = [
  ['runs', ['runs'], 5],
  ['events', ['events', RUN.main], 10],
  ['events of a type', ['events', RUN.main, '--type', 'tool_result'], 4],
  ['traces', ['traces', RUN.main], 6],
  ['traces of a tag', ['traces', RUN.main, '--tag', 'tools'], 2],
  ['trace trees', ['traces', RUN.main, '--tree'], 3],
  ['kv', ['kv', RUN.main], 7],
  ['kv with a prefix', ['kv', RUN.main, 'list', '--prefix', 'step:'], 4],
  ['state cells', ['state', RUN.main], 4],
];

describe('--limit on every long listing', () => {
  it.each(LISTINGS)('%s: --json is an indented JSON array, byte for byte', async (_name, args, total) => {
    const text = await ok(...args, '--json');
    const parsed = JSON.parse(text) as unknown[];
    expect(parsed).toHaveLength(total);
    expect(text).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
  });

  it.each(LISTINGS)('%s: --limit 2 --json gives the first two', async (_name, args) => {
    const all = JSON.parse(await ok(...args, '--json')) as unknown[];
    const two = JSON.parse(await ok(...args, '--limit', '2', '--json')) as unknown[];
    expect(two).toEqual(all.slice(0, 2));
  });

  it.each(LISTINGS.filter(([name]) => name !== 'trace trees'))(
    '%s: --limit 1 prints a one-row table',
    async (_name, args) => {
      const out = (await ok(...args, '--limit', '1')).trimEnd().split('\n');
      // Events have no header line; every other table has one.
      expect(out).toHaveLength(args[0] === 'events' ? 1 : 2);
    },
  );

  it('an empty listing is an empty JSON array', async () => {
    expect(await ok('kv', RUN.main, 'list', '--prefix', 'nothing-here', '--json')).toBe('[]\n');
  });

  it.each([
    ['kv get', ['kv', RUN.main, 'get', 'plan', '--limit', '1'], /^--limit applies to kv list only$/],
    [
      'one state cell',
      ['state', RUN.main, 'phase', '--limit', '1'],
      /^--limit applies to the list of cells only$/,
    ],
    ['--limit 0', ['events', RUN.main, '--limit', '0'], /'--limit <n>' argument '0' is invalid/],
  ])('%s with --limit is a usage error', async (_name, args, message) => {
    const r = await inProcess([f.dir, ...args]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().replace(/^agentdb: /, '')).toMatch(message);
  });
});
