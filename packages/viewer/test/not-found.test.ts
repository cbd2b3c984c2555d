import { tempDir } from '@agentdb/engine/testing';
import { AgentDB } from '@agentdb/primitives';
import { expect, it } from 'vitest';
import { openPage } from './helpers/browser.js';
import { useBrowserFixture } from './helpers/fixture.js';

const f = useBrowserFixture(async () => {
  const dir = tempDir('agentdb-viewer-missing-');
  const db = await AgentDB.open({ path: dir, sweepIntervalMs: 0 });
  await db.runs.createRun({ runId: 'present' });
  // KV, events, state and traces work on any run id: this one has data but no run record.
  await db.kv.put('orphan', 'note', 'kept without a run record');
  await db.close();
  return dir;
});

it('answers a run the database does not know with a 404 and a not-found page', async () => {
  const { page, errors } = await openPage(f.browser);
  const response = await page.goto(f.v.url('/runs/no-such-run'));
  expect(response?.status()).toBe(404);
  await page.locator('.not-found h1').waitFor();
  expect(await page.locator('.not-found-message').textContent()).toBe(
    'no run "no-such-run" in this database',
  );
  expect(await page.title()).toBe('Not found · AgentDB');
  // It leads back to the runs.
  await page.click('.not-found a');
  await page.waitForURL(f.v.url('/'));
  await page.locator('tr.run-row[data-run="present"]').waitFor();
  expect(errors).toEqual([]);
});

it('answers an id no run can have, and a path the viewer has no page for, with the not-found page', async () => {
  const { page } = await openPage(f.browser);
  const bad = await page.goto(f.v.url('/runs/not.a.run.id'));
  expect(bad?.status()).toBe(404);
  await page.locator('.not-found-message', { hasText: 'not a valid run id' }).waitFor();
  const other = await page.goto(f.v.url('/settings'));
  expect(other?.status()).toBe(404);
  expect(await page.locator('.not-found-message').textContent()).toBe('The viewer has no page at /settings.');
});

it('shows a run id that holds data but no run record instead of calling it missing', async () => {
  const { page } = await openPage(f.browser);
  const response = await page.goto(f.v.url('/runs/orphan#kv'));
  expect(response?.status()).toBe(200);
  await page.locator('.no-record').waitFor();
  await page.locator('.kv-table tr[data-key="note"]').waitFor();
  expect(await page.locator('.kv-table tr[data-key="note"] pre').textContent()).toBe(
    '"kept without a run record"',
  );
});
