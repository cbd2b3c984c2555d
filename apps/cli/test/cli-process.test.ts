import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, cpSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB } from '@agentdb/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb, CLI, startAgentdb } from './helpers/cli.js';
import { buildFixture, type Fixture, RUN } from './helpers/fixture.js';

// The binary itself, as a user runs it: `node dist/main.js <dir> <command>`.

let f: Fixture;
beforeAll(async () => {
  f = await buildFixture();
});
afterAll(() => rmSync(f.dir, { recursive: true, force: true }));

describe('the agentdb binary', () => {
  it.concurrent.each<[string[], RegExp]>([
    [['runs'], /^triage-1 +active +\S+ +Triage inbox +- +prod, eval$/m],
    [['run', RUN.main], /^counts {4}kv 7 · events 10 · state 4 · traces 6$/m],
    [['events', RUN.paused], /^#2 {2}\S+Z {2}tick {2}\{"i":2\}$/m],
    [
      ['traces', RUN.main, '--tree', 'plan-1'],
      /^│ {2}└─ error err-1 {2}Timeout: first attempt slow \(recoverable\)$/m,
    ],
    [['kv', RUN.main, 'get', 'plan'], /^\["search","summarise","answer"\]\n$/],
    [['state', RUN.main, 'phase'], /^version {2}3$/m],
    [['stats'], /^runs {8}5 in the run index/m],
  ])('%j prints its result and exits 0, uncoloured in a pipe', async (args, expected) => {
    const r = await agentdb([f.dir, ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(expected);
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('colours with FORCE_COLOR, and NO_COLOR wins over it', async () => {
    const [forced, refused] = await Promise.all([
      agentdb([f.dir, 'runs'], { env: { FORCE_COLOR: '1' } }),
      agentdb([f.dir, 'runs'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }),
    ]);
    expect(forced.stdout).toContain('\u001b[1mRUN');
    expect(refused.stdout).not.toContain('\u001b[');
  });

  it('is an executable with a node shebang, wired as the package bin', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
      version: string;
    };
    expect(pkg.bin).toEqual({ agentdb: './dist/main.js' });
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    accessSync(CLI, constants.X_OK);
    expect(execFileSync(CLI, ['--version'], { encoding: 'utf8' })).toBe(`${pkg.version}\n`);
  });

  it.each([
    ['only its entry point was built', ['main.js'], /\(missing .*cli\.js\)/],
    ['its dependencies cannot be found', ['.'], /\(missing (@[a-z-]+\/)?[a-z-]+\)/],
  ])('an incomplete build (%s) says how to build, in one line, exit 1', (_name, files, missing) => {
    // A copy of (part of) dist/ where nothing resolves the CLI's dependencies.
    const copy = tempDir('agentdb-cli-half-built-');
    try {
      for (const file of files)
        cpSync(join(dirname(CLI), file), join(copy, 'dist', file), { recursive: true });
      const r = spawnSync(process.execPath, [join(copy, 'dist', 'main.js'), f.dir, 'runs'], {
        encoding: 'utf8',
      });
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        /^agentdb: this build of the CLI is incomplete .*pnpm build --filter=@agentdb\/cli\.\.\.\n$/,
      );
      expect(r.stderr).toMatch(missing);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it('events --follow waits for a run that does not exist yet', async () => {
    const follow = startAgentdb([f.dir, 'events', 'not-yet', '--follow']);
    try {
      await follow.waitFor('waiting for run "not-yet" to appear', 20_000, 'stderr');
      const writer = await AgentDB.open({ path: f.dir, sweepIntervalMs: 0 });
      try {
        await writer.events.append('not-yet', 'started', { by: 'test' });
      } finally {
        await writer.close();
      }
      await follow.waitFor('#0');
    } finally {
      const stopped = await follow.stop('SIGINT');
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toMatch(/^#0 {2}\S+Z {2}started {2}\{"by":"test"\}\n$/);
    }
  });

  it('a --follow whose reader has gone ends, exit 0', async () => {
    const r = await agentdb([f.dir, 'events', RUN.paused, '--follow'], { closedStdout: true });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('reads beside a live writer and follows its new events until interrupted', async () => {
    // The writer keeps the database open (strict durability) for the whole test.
    const writer = await AgentDB.open({ path: f.dir, sweepIntervalMs: 0 });
    try {
      const follow = startAgentdb([f.dir, 'events', RUN.paused, '--follow', '--from', '1']);
      await follow.waitFor('#2');
      expect(follow.output()).not.toContain('#0');
      await writer.events.append(RUN.paused, 'tick', { i: 3 });
      await writer.events.append(RUN.paused, 'resumed', { by: 'test' });
      await follow.waitFor('#4');
      // A one-shot command run meanwhile sees the committed events too.
      const run = await agentdb([f.dir, 'run', RUN.paused, '--json']);
      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as { counts: { events: number } }).counts.events).toBe(5);
      const stopped = await follow.stop('SIGINT');
      expect(stopped.code).toBe(0);
      expect(stopped.stderr).toBe('');
      const lines = stopped.stdout.trimEnd().split('\n');
      expect(lines.map((l) => /^#(\d+)/.exec(l)?.[1])).toEqual(['1', '2', '3', '4']);
      expect(lines[3]).toMatch(/^#4 {2}\S+Z {2}resumed {2}\{"by":"test"\}$/);
    } finally {
      await writer.close();
    }
  });
});
