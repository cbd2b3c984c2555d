import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB } from '@agentdb/primitives';
import { expect, it } from 'vitest';
import { attributes, openPage, screenshot } from './helpers/browser.js';
import { useBrowserFixture } from './helpers/fixture.js';

const WRITER = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));
const RUN = 'live-run';

/** Runs the second process (fixtures/writer.mjs) to its end; returns what it printed. */
async function writer(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [WRITER, f.dir, ...args]);
  return stdout;
}

const f = useBrowserFixture(async () => {
  const dir = tempDir('agentdb-viewer-live-');
  const db = await AgentDB.open({ path: dir, sweepIntervalMs: 0 });
  await db.runs.createRun({ runId: RUN, name: 'A run still going', tags: ['live'] });
  for (let i = 0; i < 3; i++) await db.events.append(RUN, 'step', { i });
  const root = await db.traces.record(RUN, { type: 'thought', content: 'plan' }, { id: 'root' });
  await db.traces.recordChild(
    RUN,
    root,
    { type: 'tool_call', toolName: 'search', arguments: {} },
    { id: 'first' },
  );
  await db.close();
  return dir;
});

it('shows what a second process appends and completes, on open pages, without a reload', async () => {
  const { page: runPage, errors } = await openPage(f.browser);
  await runPage.goto(f.v.url(`/runs/${RUN}#events`));
  await expect.poll(() => runPage.locator('tr.event-row').count()).toBe(3);
  await runPage.locator('.run-header h1 .status', { hasText: 'active' }).waitFor();
  await runPage.locator('.live.on').waitFor();
  const { page: treePage } = await openPage(f.browser);
  await treePage.goto(f.v.url(`/runs/${RUN}#traces`));
  await treePage.locator('.trace-line[data-trace="root"] .caret').click();
  await expect
    .poll(() => attributes(treePage.locator('.trace-line'), 'data-trace'))
    .toEqual(['root', 'first']);
  await treePage.locator('.live.on').waitFor();
  const { page: runsPage } = await openPage(f.browser);
  await runsPage.goto(f.v.url('/'));
  await expect.poll(() => attributes(runsPage.locator('tr.run-row'), 'data-run')).toEqual([RUN]);
  await runsPage.locator('.live.on').waitFor();
  // A marker a reload would wipe out.
  await runPage.evaluate('window.__notReloaded = true');
  await runsPage.evaluate('window.__notReloaded = true');
  await treePage.evaluate('window.__notReloaded = true');

  expect(await writer(RUN)).toBe('done\n');

  // The run page: the new event at the end of the timeline, and the run completed.
  await expect.poll(() => runPage.locator('tr.event-row').count()).toBe(4);
  const last = runPage.locator('tr.event-row[data-seq="3"]');
  expect(await last.locator('td.etype').textContent()).toBe('late_event');
  expect(await last.locator('td.payload').textContent()).toContain('"from":"a second process"');
  await runPage.locator('.run-header h1 .status', { hasText: 'completed' }).waitFor();
  expect(await runPage.locator('a.tab[data-tab="events"] .count').textContent()).toBe('4');
  // The runs page: the run completed, and the run the other process created.
  await expect
    .poll(() => attributes(runsPage.locator('tr.run-row'), 'data-run'))
    .toEqual([RUN, `${RUN}-next`]);
  await expect
    .poll(() => attributes(runsPage.locator('tr.run-row'), 'data-status'))
    .toEqual(['completed', 'active']);
  expect(await runsPage.locator(`tr.run-row[data-run="${RUN}"] [data-count="events"]`).textContent()).toBe(
    '4',
  );
  // The trace tree: the new trace under its parent, which stayed open.
  await expect
    .poll(() => attributes(treePage.locator('.trace-line'), 'data-trace'))
    .toEqual(['root', 'first', 'late']);
  expect(await treePage.locator('.trace-line[data-trace="late"] .thought').textContent()).toBe(
    'written by a second process',
  );
  for (const p of [runPage, runsPage, treePage]) expect(await p.evaluate('window.__notReloaded')).toBe(true);
  await screenshot(runPage, 'live-run-page');
  expect(errors).toEqual([]);
});

it('turns an open run page into the not-found page when another process deletes the run', async () => {
  const { page, errors } = await openPage(f.browser);
  // The run the second process created in the test above.
  await page.goto(f.v.url(`/runs/${RUN}-next`));
  await page.locator('.run-header h1 .status').waitFor();
  await page.locator('.live.on').waitFor();
  expect(await writer(`${RUN}-next`, 'delete')).toBe('done\n');
  await page.locator('.not-found-message', { hasText: `no run "${RUN}-next"` }).waitFor();
  expect(errors).toEqual([]);
});
