import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tempDir } from '@agentdb/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoRun, runDemo, section } from './run-demo.js';

// One database directory, played like a user would: session 1, session 2, then --reset.
describe('the demo program, run three times on one directory', () => {
  const dir = tempDir('agentdb-demo-');
  let first: DemoRun;
  let second: DemoRun;
  let reset: DemoRun;

  beforeAll(() => {
    first = runDemo(['--dir', dir]);
    // pnpm forwards `pnpm run demo -- --dir x` with the literal `--`: the program must accept it.
    second = runDemo(['--', '--dir', dir]);
    reset = runDemo(['--dir', dir, '--reset']);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 with every check passed, and prints no colour codes into a pipe', () => {
    for (const r of [first, second, reset]) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('\u001b[');
      expect(r.stdout).not.toMatch(/problems/);
    }
  });

  it('session 1 starts fresh, creates a parent and a forked child run, completes one and fails the other', () => {
    expect(first.stdout).toContain('session 1: a fresh database, no earlier runs');
    expect(first.stdout).toContain('created run s1-fix-flaky-test');
    expect(first.stdout).toContain('forked s1-fix-flaky-test-alt (parentRunId s1-fix-flaky-test)');
    const runs = section(first.stdout, 'Runs (2 in this database)');
    expect(runs.find((l) => l.includes(' s1-fix-flaky-test '))).toMatch(/completed\s+18\s+15/);
    expect(runs.find((l) => l.includes('└ s1-fix-flaky-test-alt'))).toMatch(
      /failed\s+4\s+4\s+s1-fix-flaky-test/,
    );
  });

  it('shows KV cache misses, a hit, and a TTL expiry', () => {
    const research = section(first.stdout, 'Step 2');
    expect(research.filter((l) => l.includes('cache miss'))).toHaveLength(4);
    expect(research.filter((l) => l.includes('cache hit'))).toHaveLength(1);
    expect(research.join('\n')).toContain('the CI status entry has expired');
  });

  it('two workers coordinate through CAS: each wins two tasks, and the losers get VERSION_MISMATCH and retry', () => {
    const workers = section(first.stdout, 'Step 3');
    expect(workers.filter((l) => l.includes('✓ won'))).toHaveLength(4);
    expect(workers.filter((l) => l.includes('✗ VERSION_MISMATCH'))).toHaveLength(4);
    expect(workers.join('\n')).toContain(
      'worker-b  claim reproduce-locally  cas v1 ✗ VERSION_MISMATCH (queue is at v2)',
    );
    expect(workers.at(-1)).toBe(
      '  done: worker-a took 2, worker-b took 2, 4 CAS attempts lost and retried; queue at v5',
    );
  });

  it('draws the trace trees with box-drawing characters, tags included', () => {
    const tree = section(first.stdout, 'Trace tree of s1-fix-flaky-test');
    expect(tree[0]).toMatch(/^ {2}thought: Reproduce the flake.*#planning$/);
    expect(tree.filter((l) => /^ {2}├─ /.test(l)).length).toBeGreaterThanOrEqual(7);
    expect(tree.filter((l) => /^ {2}│ {2}├─ tool_call .*#worker-[ab]/.test(l))).toHaveLength(3);
    expect(tree.at(-1)).toMatch(/^ {2}└─ decision: Ship 2\.3\.1\? → ship {2}#release$/);
    const child = section(first.stdout, 'Trace tree of s1-fix-flaky-test-alt');
    expect(child.at(-1)).toMatch(/^ {5}└─ error TestFailure: .*#verification$/);
  });

  it('shows a cross-primitive transaction rolled back with none of its effects visible', () => {
    const rollback = section(first.stdout, 'Step 6');
    expect(rollback.filter((l) => l.startsWith('  ✓ '))).toHaveLength(7);
    expect(rollback.join('\n')).toContain(
      'inside it the agent saw its own writes: phase "shipped", run "completed"',
    );
    expect(rollback).toContain('  ✓ kv "release" → absent');
    expect(rollback).toContain('  ✓ run status → active (not completed)');
    expect(rollback.join('\n')).toMatch(/the append's handle rejected: no changelog entry/);
    expect(section(first.stdout, 'Step 7')[0]).toMatch(/✓ committed: .*phase "shipped" v4, run completed/);
  });

  it('verifies every event chain and the engine', () => {
    expect(section(first.stdout, 'Event chains')).toEqual([
      expect.stringMatching(/^ {2}✓ s1-fix-flaky-test: 18 events, chain intact, head [0-9a-f]{12}…$/),
      expect.stringMatching(/^ {2}✓ s1-fix-flaky-test-alt: 4 events, chain intact, head [0-9a-f]{12}…$/),
    ]);
    expect(first.stdout).toContain('✓ db.verify(): clean');
    expect(first.stdout).toContain('Session 1 done: 2 runs, 2/2 chains verified.');
  });

  it('session 2 continues the same database: finds the earlier runs, their chains still verify', () => {
    expect(second.stdout).toContain(
      'session 2: found 2 earlier runs from 1 earlier session, reopened from disk',
    );
    expect(second.stdout).toContain('2 of 2 earlier event chains still verify');
    const s1Head = first.stdout.match(
      /✓ s1-fix-flaky-test: 18 events, chain intact, head ([0-9a-f]{12})/,
    )?.[1];
    expect(s1Head).toBeDefined();
    // The head hash printed after reopening is the one session 1 wrote.
    expect(second.stdout).toContain(`✓ s1-fix-flaky-test: 18 events, chain intact, head ${s1Head}…`);
    expect(second.stdout).toContain('created run s2-fix-flaky-test');
    expect(section(second.stdout, 'Runs (4 in this database)')).toHaveLength(6);
    expect(second.stdout).toContain('Session 2 done: 4 runs, 4/4 chains verified.');
    // Only this session's trees are drawn.
    expect(second.stdout).not.toContain('Trace tree of s1-');
  });

  it('--reset deletes the database and starts again at session 1', () => {
    expect(reset.stdout).toContain('--reset: deleted the database in');
    expect(reset.stdout).toContain('session 1: a fresh database, no earlier runs');
    expect(reset.stdout).toContain('Session 1 done: 2 runs, 2/2 chains verified.');
    expect(reset.stdout).not.toContain('s2-fix-flaky-test');
  });
});

describe('the command line', () => {
  it('refuses to --reset a directory holding anything but database files, and leaves it alone', () => {
    const dir = tempDir('agentdb-demo-foreign-');
    try {
      writeFileSync(`${dir}/notes.txt`, 'keep me');
      const r = runDemo(['--dir', dir, '--reset']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('refusing to delete');
      expect(r.stderr).toContain('notes.txt');
      expect(existsSync(`${dir}/notes.txt`)).toBe(true);
      expect(existsSync(`${dir}/data.mdb`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says in one line, without a stack trace, that a --dir which is a file cannot hold a database', () => {
    const dir = tempDir('agentdb-demo-file-');
    try {
      const file = `${dir}/not-a-directory`;
      writeFileSync(file, 'keep me');
      const r = runDemo(['--dir', file]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^demo failed: --dir .*not-a-directory is a file, not a directory: give a directory for the database\n$/,
      );
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(readFileSync(file, 'utf8')).toBe('keep me');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects unknown options with exit code 2 and the usage', () => {
    const r = runDemo(['--rest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Unknown option '--rest'");
    expect(r.stderr).toContain('Usage:');
  });

  it('prints colours only when asked to (FORCE_COLOR), never into a plain pipe', () => {
    expect(runDemo(['--help']).stdout).toContain('--reset');
    const dir = tempDir('agentdb-demo-colour-');
    try {
      expect(runDemo(['--dir', dir], { FORCE_COLOR: '1' }).stdout).toContain('\u001b[32m✓');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
