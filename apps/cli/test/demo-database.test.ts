import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb } from './helpers/cli.js';

// The database the demo app (apps/demo, the project's main program) leaves behind after two
// sessions: parent and forked child runs, a trace tree, hash-chained events, CAS-coordinated
// state, TTL'd KV. The CLI is checked against that rather than only against its own fixture.
const DEMO = fileURLToPath(new URL('../../demo/dist/main.js', import.meta.url));
const PARENT = 's1-fix-flaky-test';
const CHILD = 's1-fix-flaky-test-alt';

let dir: string;
let copy: string;

beforeAll(() => {
  dir = tempDir('agentdb-cli-demo-');
  copy = tempDir('agentdb-cli-demo-import-');
  rmSync(copy, { recursive: true, force: true });
  for (let session = 0; session < 2; session++) {
    const demo = spawnSync(process.execPath, [DEMO, '--dir', dir], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(demo.status, demo.stderr).toBe(0);
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(copy, { recursive: true, force: true });
});

describe('agentdb on the demo database', () => {
  it('lists the demo runs with their statuses', async () => {
    const { code, stdout } = await agentdb([dir, 'runs', '--json']);
    expect(code).toBe(0);
    const runs = JSON.parse(stdout) as { runId: string; status: string; parentRunId?: string }[];
    expect(runs.length).toBe(4); // two sessions, a parent and a forked child each
    expect(runs.find((r) => r.runId === PARENT)?.status).toBe('completed');
    expect(runs.find((r) => r.runId === CHILD)).toMatchObject({ status: 'failed', parentRunId: PARENT });
  });

  it('verifies every chain and the engine', async () => {
    const { code, stdout } = await agentdb([dir, 'verify']);
    expect(code).toBe(0);
    expect(stdout).toContain(PARENT);
  });

  it('draws the parent run trace tree with box-drawing characters', async () => {
    const { code, stdout } = await agentdb([dir, 'traces', PARENT, '--tree', '01-plan']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/[├└]─/);
  });

  it('shows the run with its child and events', async () => {
    const { code, stdout } = await agentdb([dir, 'run', PARENT]);
    expect(code).toBe(0);
    expect(stdout).toContain(CHILD);
    expect(stdout).toContain('patch_shipped');
  });

  it('moves the demo parent run into a fresh directory with a valid chain', async () => {
    const exported = await agentdb([dir, 'export', PARENT]);
    expect(exported.code).toBe(0);
    const imported = await agentdb([copy, 'import'], { input: exported.stdout });
    expect(imported.code, imported.stderr).toBe(0);
    const verify = await agentdb([copy, 'verify', PARENT]);
    expect(verify.code).toBe(0);
    const [before, after] = await Promise.all([
      agentdb([dir, 'events', PARENT, '--json']),
      agentdb([copy, 'events', PARENT, '--json']),
    ]);
    expect(after.stdout).toBe(before.stdout);
  });
});
