import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB, decodeKey, Key, runRange } from '@agentdb/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb, inProcess } from './helpers/cli.js';
import { dump } from './helpers/dump.js';
import { buildFixture, type Fixture, RUN } from './helpers/fixture.js';

let f: Fixture;
let scratch: string;
let mainExport: string;
beforeAll(async () => {
  f = await buildFixture();
  scratch = tempDir('agentdb-cli-import-');
  const r = await agentdb([f.dir, 'export', RUN.main]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  mainExport = r.stdout;
});
afterAll(() => {
  rmSync(f.dir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

const inRun = (runId: string) => {
  const { start, end } = runRange(runId);
  return (key: Uint8Array) => Buffer.compare(key, start) >= 0 && Buffer.compare(key, end) < 0;
};

async function openReadOnly(dir: string): Promise<AgentDB> {
  return AgentDB.open({ path: dir, readOnly: true, durability: 'buffered', sweepIntervalMs: 0 });
}

describe('export', () => {
  it('writes a header, the run record, one line per live key and an end line', () => {
    const lines = mainExport
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ type: 'header', format: 'agentdb-run', version: 1, runId: RUN.main });
    expect(lines[1]).toMatchObject({ type: 'run', record: { runId: RUN.main, status: 'active' } });
    const entries = lines.filter((l) => l.type === 'entry');
    expect(lines.at(-1)).toEqual({ type: 'end', entries: entries.length });
    expect(lines).toHaveLength(entries.length + 3);
    // Every key belongs to the run; the expired KV entry is not exported; the live one keeps its expiry.
    const keys = entries.map((e) => decodeKey(Buffer.from(e.key as string, 'base64')));
    expect(keys.every((k) => k.namespace === 'user' && k.runId === RUN.main)).toBe(true);
    expect(keys.some((k) => k.parts[0] === 'cache:stale')).toBe(false);
    expect(entries.filter((e) => e.expiresAt !== undefined)).toEqual([
      expect.objectContaining({ expiresAt: f.liveExpiry, value: { temp: 21.5, unit: 'C' } }),
    ]);
  });
});

describe('import', () => {
  it('reproduces every record of the run in a fresh directory, with a valid chain', async () => {
    const target = join(scratch, 'fresh'); // does not exist yet: import creates the database
    const r = await agentdb([target, 'import'], { input: mainExport });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^imported run "triage-1" into .*fresh: its run record, \d+ entries\n$/);

    // Byte-identical keys, deeply equal values (bigint, bytes, dates, -0, NaN) and the same expiries.
    const original = await dump(f.dir, inRun(RUN.main));
    expect(original.length).toBeGreaterThan(40);
    expect(await dump(target, inRun(RUN.main))).toStrictEqual(original);

    const [src, copy] = [await openReadOnly(f.dir), await openReadOnly(target)];
    try {
      expect(await copy.runs.getRun(RUN.main)).toStrictEqual(await src.runs.getRun(RUN.main));
      expect(await copy.events.verifyChain(RUN.main)).toEqual({ valid: true, length: 10 });
      expect(await copy.events.readRange(RUN.main, 0, 10)).toStrictEqual(
        await src.events.readRange(RUN.main, 0, 10),
      );
      expect(await copy.traces.getTree(RUN.main, 'plan-1')).toStrictEqual(
        await src.traces.getTree(RUN.main, 'plan-1'),
      );
      expect(await copy.state.read(RUN.main, 'leader')).toStrictEqual(
        await src.state.read(RUN.main, 'leader'),
      );
      // The run index's indices and counter agree with the record.
      expect(await copy.runs.count()).toBe(1);
      expect((await copy.runs.queryRuns({ tag: 'eval', status: 'active' })).map((x) => x.runId)).toEqual([
        RUN.main,
      ]);
      expect((await copy.engine.verify()).ok).toBe(true);
    } finally {
      await Promise.all([src.close(), copy.close()]);
    }
    const verify = await agentdb([target, 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('ok    run triage-1: 10 events, chain intact');
  });

  it('refuses a run id that exists, changing nothing, unless --replace', async () => {
    const target = join(scratch, 'twice');
    expect((await agentdb([target, 'import'], { input: mainExport })).code).toBe(0);
    const before = await dump(target);
    const again = await agentdb([target, 'import'], { input: mainExport });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /^agentdb: run "triage-1" already exists in .*twice; pass --replace to overwrite it\n$/,
    );
    expect(await dump(target)).toStrictEqual(before);

    const replaced = await agentdb([target, 'import', '--replace'], { input: mainExport });
    expect(replaced.code).toBe(0);
    expect(replaced.stdout).toContain('replaced the existing run');
    expect(await dump(target)).toStrictEqual(before); // same content, run counter still 1
  });

  it('moves every run of a database, child runs and data without a record included', async () => {
    const target = join(scratch, 'all');
    // In-process (the built runCli; the binary is exercised by the tests above): 12 invocations.
    for (const runId of [RUN.main, RUN.childDone, RUN.childFailed, RUN.paused, RUN.archived, RUN.unindexed]) {
      const exported = await inProcess([f.dir, 'export', runId]);
      expect(exported.code).toBe(0);
      const imported = await inProcess([target, 'import'], { input: exported.stdout });
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
    }
    // The whole database — every run's data AND the run index (records, status/created/tag/parent
    // indices, the counter) — is the same, entry for entry.
    expect(await dump(target)).toStrictEqual(await dump(f.dir));
  });

  it('refuses a child run whose parent is missing, writing nothing, unless --detach', async () => {
    const child = await agentdb([f.dir, 'export', RUN.childDone]);
    const target = join(scratch, 'orphan');
    const emptyDir = tempDir('agentdb-cli-import-empty-');
    for (const dir of [target, emptyDir]) {
      const refused = await agentdb([dir, 'import'], { input: child.stdout });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^agentdb: the parent run "triage-1" of "triage-1-a" is not in .*; import it first, or pass --detach\n$/,
      );
    }
    // A refused import writes nothing: no directory, and no empty database in an empty one.
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(emptyDir)).toEqual([]);
    rmSync(emptyDir, { recursive: true });
    const detached = await agentdb([target, 'import', '--detach'], { input: child.stdout });
    expect(detached.code).toBe(0);
    const db = await openReadOnly(target);
    try {
      const run = await db.runs.getRun(RUN.childDone);
      expect(run?.parentRunId).toBeUndefined();
      expect(run?.status).toBe('completed');
      expect(await db.runs.queryRuns({ parentRunId: RUN.main })).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it.each<[string, (text: string) => string, RegExp]>([
    ['a truncated file', (t) => t.split('\n').slice(0, -3).join('\n'), /ends without its "end" line/],
    [
      'a wrong count',
      (t) => t.replace(/"type":"end","entries":\d+/, '"type":"end","entries":1'),
      /counts 1 entries/,
    ],
    [
      'a key of another run',
      (t) => t.replace(/"key":"[^"]+"/, `"key":"${Buffer.from(Key.kv('other', 'x')).toString('base64')}"`),
      /outside run "triage-1"/,
    ],
    [
      'a key of the run index',
      (t) => t.replace(/"key":"[^"]+"/, `"key":"${Buffer.from(Key.run('count')).toString('base64')}"`),
      /outside run "triage-1"/,
    ],
    [
      'a duplicate key',
      (t) =>
        t
          .replace(/("type":"entry","key":"[^"]+")(.*\n)/, '$1$2{$1,"value":1}\n')
          .replace(/"entries":(\d+)\}\s*$/, (_, n) => `"entries":${Number(n) + 1}}\n`),
      /duplicate key/,
    ],
    ['not an export', () => '{"hello":1}\n', /line 1: expected the header/],
    ['not JSON', (t) => t.replace('"type":"run"', 'type:run'), /line 2: not a JSON object/],
    [
      'a bad value',
      (t) => t.replace('{"$bigint":"10"}', '{"$bigint":"ten"}'),
      /line 2: .*record\.metadata\.budget/,
    ],
  ])('refuses %s before writing anything', async (_, corrupt, message) => {
    // The input is checked whole before the database is opened (in-process: this is decoding logic).
    const target = join(scratch, 'never');
    const r = await inProcess([target, 'import'], { input: corrupt(mainExport) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^agentdb: import: /);
    expect(r.stderr).toMatch(message);
    expect(existsSync(target)).toBe(false);
  });
});
