import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { join, relative } from 'node:path';
import { AgentDB } from '@agentdb/primitives';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { createViewer, type Viewer } from '../src/index.js';
import { LiveFeed } from '../src/live-feed.js';
import { runRow } from '../src/run-rows.js';
import { listRuns } from '../src/runs-listing.js';
import { launchChromium } from './helpers/browser.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
/** The doc-examples runtime, as compiled with the examples (relative to the repository). */
const RUNTIME = 'packages/viewer/.doc-examples/js/tooling/doc-examples/runtime.js';

/** Run `triage-1` as the examples assume it: failed, with KV entries, events, cells and a trace tree. */
async function seedTriage(db: AgentDB): Promise<void> {
  await db.runs.createRun({ runId: 'triage-1', name: 'Triage', tags: ['prod', 'eval'] });
  for (const k of ['plan', 'cache:q', 'notes']) await db.kv.put('triage-1', k, { k });
  for (let i = 0; i < 5; i++) await db.events.append('triage-1', i === 0 ? 'start' : 'tool_call', { i });
  await db.state.init('triage-1', 'phase', 'planning');
  await db.state.set('triage-1', 'phase', 'acting');
  const plan = await db.traces.record('triage-1', { type: 'thought', content: 'plan' }, { id: 'plan' });
  await db.traces.recordChild(
    'triage-1',
    plan,
    { type: 'tool_call', toolName: 'search', arguments: { q: 'x' } },
    { id: 'call-1' },
  );
  await db.runs.failRun('triage-1', 'tool timed out');
}

/** What every browser example gets, built in the page: elements, a live hub, and data from the viewer. */
const BROWSER_FIXTURES = `
  const { LiveHub } = await import('/assets/client/live-hub.js');
  const { h } = await import('/assets/client/dom.js');
  const main = document.querySelector('main') ?? document.body.appendChild(h('main', {}));
  const fixtures = {
    ...data,
    main,
    panel: document.body.appendChild(h('section', {})),
    tbody: document.body.appendChild(h('table', {})).appendChild(h('tbody', {})),
    container: document.body.appendChild(h('div', {})),
    header: document.body.appendChild(h('header', {})),
    hub: new LiveHub(),
    renderRow: (row) => h('tr', {}, h('td', {}, row.runId)),
    refresh: () => {},
    loadPage: async () => {},
    showError: (e) => { throw e; },
  };`;

/** Chromium on a page of a viewer of `triage-1`'s database, shared by the browser examples. */
const browser = {} as { db: AgentDB; viewer: Viewer; chromium: Browser; page: Page; data: object };
beforeAll(async () => {
  browser.db = await AgentDB.open();
  await seedTriage(browser.db);
  browser.viewer = await createViewer(browser.db, { port: 0 });
  browser.chromium = await launchChromium();
  browser.page = await browser.chromium.newPage();
  const run = (await browser.db.runs.getRun('triage-1'))!;
  browser.data = {
    run,
    rows: [await runRow(browser.db, run)],
    page: await listRuns(browser.db, { limit: 10 }),
    msg: { version: 1, runIds: ['triage-1'], runIndex: false },
    runId: 'triage-1',
  };
  // Example modules are served from their compiled JavaScript; client modules are the viewer's own.
  await browser.page.route('**/__doc/**', async (route) => {
    const path = join(
      ROOT,
      decodeURIComponent(new URL(route.request().url()).pathname.slice('/__doc/'.length)),
    );
    const js = readFileSync(path, 'utf8')
      .replace(/(['"])(?:\.\.\/)+src\/client\//g, '$1/assets/client/')
      .replace(/(['"])(?:\.\.\/)+tooling\/doc-examples\/runtime\.js\1/, `'/__doc/${RUNTIME}'`);
    await route.fulfill({ body: js, contentType: 'text/javascript; charset=utf-8' });
  });
}, 60_000);
afterAll(async () => {
  await browser.chromium?.close();
  await browser.viewer?.close();
  await browser.db?.close();
});

// Every @example of src/ and every ts block of the README, compiled and run: the server's against a
// fresh database holding `triage-1`, the page's (src/client/) in Chromium on a viewer of one.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['createViewer', 'RunRow', 'RunsPage'],
    '../src/live-feed.js': ['LiveFeed'],
    '../src/value-text.js': ['FULL_CHARS'],
    '../src/client/live-hub.js': ['LiveHub', 'LiveMessage'],
    '@agentdb/primitives': ['AgentDB', 'RunMetadata'],
    'node:http': ['ServerResponse'],
  },
  compilerOptions: { lib: ['ES2024', 'DOM', 'DOM.Iterable'] },
  fixtureType: `{
    db: AgentDB; id: string; runId: string; run: RunMetadata; url: URL; res: ServerResponse; feed: LiveFeed;
    main: HTMLElement; panel: HTMLElement; tbody: HTMLElement; container: HTMLElement; header: HTMLElement;
    hub: LiveHub; rows: RunRow[]; renderRow: (row: RunRow) => Node; page: RunsPage; msg: LiveMessage;
    refresh: () => void; loadPage: () => Promise<void>; showError: (error: unknown) => void
  }`,
  async open() {
    const db = await AgentDB.open();
    await seedTriage(db);
    const feed = new LiveFeed(db);
    const res = new ServerResponse(new IncomingMessage(new Socket()));
    return {
      fixtures: {
        db,
        id: 'triage-1',
        runId: 'triage-1',
        run: (await db.runs.getRun('triage-1'))!,
        url: new URL('http://127.0.0.1/api/changes'),
        res,
        feed,
      },
      async dispose() {
        res.destroy();
        await feed.close();
        await db.close();
      },
    };
  },
  seeds: {
    // The examples that open the agent's directory read-only find a database there.
    'src/viewer.ts createViewer': agentData,
    'README.md "## Use it"': agentData,
  },
  browser: {
    match: (e) => e.file.startsWith('src/client/'),
    async run(example, jsPath) {
      const { page, viewer, data } = browser;
      await page.goto(viewer.url);
      const errors: string[] = [];
      const onError = (e: Error) => errors.push(e.message);
      page.on('pageerror', onError);
      try {
        const src = `/__doc/${relative(ROOT, jsPath)}`;
        const outcome = await page.evaluate(
          `(async (data) => {
            ${BROWSER_FIXTURES}
            const printed = [];
            const console = { ...globalThis.console, log: (...a) => printed.push(a.join(' ')) };
            try {
              const m = await import(${JSON.stringify(src)});
              await m.default(fixtures, console);
              return { ok: true };
            } catch (e) {
              return { ok: false, error: String(e && e.stack || e), printed };
            }
          })(${JSON.stringify(data)})`,
        );
        expect(outcome, `${example.id}:\n${example.code}`).toEqual({ ok: true });
        expect(errors, `${example.id}: errors in the page`).toEqual([]);
      } finally {
        page.off('pageerror', onError);
      }
    },
  },
});

/** A database in `./agent-data` (the example's working directory), as the agent would have left it. */
async function agentData(): Promise<void> {
  const db = await AgentDB.open({ path: './agent-data' });
  await seedTriage(db);
  await db.close();
}
