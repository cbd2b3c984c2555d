import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { AgentDB } from '@agentdb/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb, startAgentdb } from './helpers/cli.js';
import { buildFixture, type Fixture, RUN } from './helpers/fixture.js';

// `agentdb <dir> ui`: the process side (its pages are tested in a browser by @agentdb/viewer).

let f: Fixture;
beforeAll(async () => {
  f = await buildFixture();
});
afterAll(() => rmSync(f.dir, { recursive: true, force: true }));

const URL_LINE = /^AgentDB viewer on (http:\/\/127\.0\.0\.1:\d+\/) \(read-only\) — Ctrl-C to stop$/m;

async function latestVersion(dir: string): Promise<number> {
  const db = await AgentDB.open({ path: dir, readOnly: true, durability: 'buffered', sweepIntervalMs: 0 });
  try {
    return db.engine.stats().version;
  } finally {
    await db.close();
  }
}

describe('agentdb <dir> ui', () => {
  it('prints its URL on 127.0.0.1, serves the page and the runs, writes nothing, and stops on Ctrl-C', async () => {
    const before = await latestVersion(f.dir);
    const ui = startAgentdb([f.dir, 'ui', '--port', '0']);
    await ui.waitFor('Ctrl-C to stop');
    const url = URL_LINE.exec(ui.output())?.[1];
    expect(url).toBeDefined();
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/assets/client/main.js"></script>');
    const runs = (await (await fetch(new URL('/api/runs', url))).json()) as {
      runs: { runId: string; status: string }[];
    };
    expect(runs.runs.map((r) => [r.runId, r.status])).toEqual([
      [RUN.main, 'active'],
      [RUN.childDone, 'completed'],
      [RUN.childFailed, 'failed'],
      [RUN.paused, 'paused'],
      [RUN.archived, 'archived'],
    ]);
    expect((await fetch(new URL(`/api/runs/${RUN.main}`, url), { method: 'DELETE' })).status).toBe(405);
    const stopped = await ui.stop('SIGINT');
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toBe('');
    await expect(fetch(url!)).rejects.toThrow();
    expect(await latestVersion(f.dir)).toBe(before);
  });

  it('stops on SIGTERM too', async () => {
    const ui = startAgentdb([f.dir, 'ui', '--port', '0']);
    await ui.waitFor('Ctrl-C to stop');
    expect((await ui.stop('SIGTERM')).code).toBe(0);
  });

  it('warns when it listens beyond this machine', async () => {
    const ui = startAgentdb([f.dir, 'ui', '--port', '0', '--host', '0.0.0.0']);
    await ui.waitFor('Ctrl-C to stop');
    const stopped = await ui.stop('SIGINT');
    expect(stopped.stdout).toMatch(/^AgentDB viewer on http:\/\/0\.0\.0\.0:\d+\//);
    expect(stopped.stderr).toBe(
      'agentdb: listening on 0.0.0.0: anyone who can reach it can read the whole database\n',
    );
  });

  it('refuses a bad port, a port in use and a missing directory with one line', async () => {
    const bad = await agentdb([f.dir, 'ui', '--port', '70000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^agentdb: option '--port <n>' argument '70000' is invalid\. expected a port from 0 to 65535\.\n$/,
    );
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const busy = await agentdb([f.dir, 'ui', '--port', String(taken)]);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toBe(`agentdb: cannot listen on 127.0.0.1:${taken}: the port is in use\n`);
    } finally {
      blocker.close();
    }
    const missing = await agentdb(['/nonexistent/agentdb', 'ui']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('agentdb: no such directory: /nonexistent/agentdb\n');
  });
});
