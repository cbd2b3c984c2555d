import { rmSync } from 'node:fs';
import { openRawData } from '@agentdb/engine/testing';
import { Key } from '@agentdb/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb } from './helpers/cli.js';
import { buildFixture, type Fixture, RUN } from './helpers/fixture.js';

let clean: Fixture;
let tampered: Fixture;
beforeAll(async () => {
  [clean, tampered] = await Promise.all([buildFixture(), buildFixture()]);
  // Rewrite one byte of event 3's payload on disk, as a disk fault or an attacker could:
  // "weather in Lyon" becomes "weather in lyon". The record still decodes; only the hash disagrees.
  const raw = await openRawData(tampered.dir);
  const key = Key.event(RUN.main, 3);
  const bytes = new Uint8Array(raw.get(key)!);
  const at = Buffer.from(bytes).indexOf('weather in Lyon');
  expect(at).toBeGreaterThan(0);
  bytes[at + 'weather in '.length] = 'l'.charCodeAt(0);
  raw.put(key, bytes);
  await raw.close();
});
afterAll(() => {
  for (const f of [clean, tampered]) rmSync(f.dir, { recursive: true, force: true });
});

describe('verify', () => {
  it('passes on an intact database: every chain and the engine check, exit 0', async () => {
    const r = await agentdb([clean.dir, 'verify']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out[0]).toMatch(/^ok {4}engine: data against the commit log \(\d+ commits\)$/);
    expect(out.slice(1)).toEqual([
      'ok    run triage-1: 10 events, chain intact',
      'ok    run triage-1-a: 3 events, chain intact',
      'ok    run triage-1-b: 1 event, chain intact',
      'ok    run nightly: 3 events, chain intact',
      'ok    run old-run: 0 events, chain intact',
      'ok    run scratch: 1 event, chain intact', // data without a run record is checked too
    ]);
  });

  it('keeps its exit status when the reader has gone (`verify | head` on a tampered database)', async () => {
    const [failed, passed] = await Promise.all([
      agentdb([tampered.dir, 'verify'], { closedStdout: true }),
      agentdb([clean.dir, 'verify'], { closedStdout: true }),
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^agentdb: verification failed: run triage-1 at sequence 3; engine \(1 problem\)\n$/,
    );
    expect(passed.code).toBe(0);
    expect(passed.stderr).toBe('');
  });

  it('fails with exit 1 on a tampered event, naming the run and the sequence', async () => {
    const r = await agentdb([tampered.dir, 'verify']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}run triage-1: chain broken at sequence 3: .+ \(3 events intact\)$/m);
    expect(r.stdout).toMatch(/^ok {4}run nightly: 3 events, chain intact$/m);
    // The engine's own check sees the data disagree with the commit log as well.
    expect(r.stdout).toMatch(/^FAIL {2}engine: /m);
    expect(r.stdout).toMatch(/^ {6}key [0-9a-f]+ \(run triage-1, Event 3\): /m); // the damaged key, named
    expect(r.stderr).toMatch(
      /^agentdb: verification failed: run triage-1 at sequence 3; engine \(\d+ problems?\)\n$/,
    );
  });

  it('checks one run on request (and still the engine), also as JSON', async () => {
    const one = await agentdb([tampered.dir, 'verify', RUN.main, '--json']);
    expect(one.code).toBe(1);
    const report = JSON.parse(one.stdout) as {
      ok: boolean;
      engine: { ok: boolean; problems: string[] };
      chains: { runId: string; valid: boolean; firstInvalid?: number; length: number }[];
    };
    expect(report.ok).toBe(false);
    expect(report.engine.ok).toBe(false);
    expect(report.engine.problems.length).toBeGreaterThan(0);
    expect(report.chains).toEqual([
      expect.objectContaining({ runId: RUN.main, valid: false, firstInvalid: 3, length: 3 }),
    ]);
    const intact = await agentdb([clean.dir, 'verify', RUN.paused]);
    expect(intact.code).toBe(0);
    expect(intact.stdout.trimEnd().split('\n')).toHaveLength(2);
  });
});
