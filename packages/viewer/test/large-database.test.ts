import type { AgentDB, RunMetadata } from '@agentdb/primitives';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attributes, openPage, screenshot, waitForRuns } from './helpers/browser.js';
import { LARGE, LARGE_TRACES, largeDatabase } from './helpers/databases.js';
import { useBrowserFixture } from './helpers/fixture.js';

// 10,000 runs, and one run with 100,000 events and 10,000 traces. Timings are printed, not asserted
// (they belong to benchmarks); what is asserted is that every page shows the right slice of the data.
const f = useBrowserFixture(async () => {
  const t0 = performance.now();
  const dir = await largeDatabase();
  process.stderr.write(`large database generated in ${Math.round(performance.now() - t0)} ms\n`);
  return dir;
}, 180_000);
let db: AgentDB;
let page: Page;
let errors: string[];

beforeAll(async () => {
  db = f.db;
  ({ page, errors } = await openPage(f.browser));
});

const ids = (runs: readonly RunMetadata[]) => runs.map((r) => r.runId);

/** Milliseconds `step` took, printed for the README's figures. */
async function timed(what: string, step: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  await step();
  process.stderr.write(`${what}: ${Math.round(performance.now() - t0)} ms\n`);
}

describe('10,000 runs', () => {
  it('are listed 50 to a page, forwards and back, to the last page', async () => {
    expect(await db.runs.count()).toBe(LARGE.runs);
    const firstPages = await db.runs.queryRuns({ limit: 150 });
    await timed('runs page, first page', async () => {
      await page.goto(f.v.url('/'));
      await waitForRuns(page, ids(firstPages.slice(0, 50)));
    });
    expect(await page.locator('p.summary').textContent()).toContain('10,000 runs in the database');
    await page.click('nav.pager button.next');
    await waitForRuns(page, ids(firstPages.slice(50, 100)));
    await page.click('nav.pager button.next');
    await waitForRuns(page, ids(firstPages.slice(100, 150)));
    expect(await page.locator('p.summary').textContent()).toMatch(/^Runs 101–150/);
    await page.click('nav.pager button.prev');
    await waitForRuns(page, ids(firstPages.slice(50, 100)));
    // The page after run 9,950 (a cursor in the URL) is the last: 50 runs and no next page.
    const all = await db.runs.queryRuns({});
    const before = all[all.length - 51]!;
    await page.goto(f.v.url(`/?after=${before.createdAt}.${before.runId}`));
    await waitForRuns(page, ids(all.slice(-50)));
    expect(await page.locator('nav.pager button.next').isDisabled()).toBe(true);
    await screenshot(page, 'large-runs-last-page');
  });

  it('are filtered through the run index: status, tag, both, and a search', async () => {
    const failed = await db.runs.queryRuns({ status: 'failed', limit: 50 });
    await page.goto(f.v.url('/?status=failed'));
    await waitForRuns(page, ids(failed));
    expect(await attributes(page.locator('tr.run-row'), 'data-status')).toEqual(failed.map(() => 'failed'));
    const both = await db.runs.queryRuns({ status: 'completed', tag: 'seventh', limit: 50 });
    expect(both.length).toBe(50);
    await page.goto(f.v.url('/?status=completed&tag=seventh'));
    await waitForRuns(page, ids(both));
    // A search for one run among 10,000 (its name) finds exactly it.
    await page.goto(f.v.url('/?q=generated%20run%209876'));
    await waitForRuns(page, ['run-09876']);
  });
});

describe('a run with 100,000 events and 10,000 traces', () => {
  const run = LARGE.bigRun;

  it('opens on its trace tree a page of roots at a time, and expands a level on demand', async () => {
    expect(await db.traces.count(run)).toBe(LARGE_TRACES);
    await timed('big run page, traces tab', async () => {
      await page.goto(f.v.url(`/runs/${run}`));
      await expect.poll(() => page.locator('.trace-line').count()).toBe(LARGE.roots);
    });
    expect(await page.locator('a.tab[data-tab="traces"] .count').textContent()).toBe('10,000');
    expect(await page.locator('a.tab[data-tab="events"] .count').textContent()).toBe('100,000');
    await timed('expand a root of 90 children', async () => {
      await page.locator('.trace-line[data-trace="root-0"] .caret').click();
      await expect.poll(() => page.locator('.trace-line').count()).toBe(LARGE.roots + LARGE.perRoot);
    });
    await page.locator('.trace-line[data-trace="call-0-0"] .caret').click();
    await expect.poll(() => page.locator('.trace-line.kind-error').count()).toBe(LARGE.grandchildren);
    expect(await attributes(page.locator('.trace-line.kind-error'), 'data-depth')).toEqual(
      Array(LARGE.grandchildren).fill('2'),
    );
    await page.locator('.trace-line[data-trace="err-0-3"]').click();
    await page.locator('.trace-details h3', { hasText: 'err-0-3' }).waitFor();
    expect(await page.locator('.trace-details').textContent()).toContain('attempt 3 slow');
    await screenshot(page, 'large-run-traces');
  });

  it('pages through its timeline, jumps to any sequence, and verifies all 100,000 events', async () => {
    await timed('big run page, events tab', async () => {
      await page.goto(f.v.url(`/runs/${run}#events`));
      await expect.poll(() => page.locator('tr.event-row').count()).toBe(100);
    });
    expect(await page.locator('.timeline .position').textContent()).toBe('0–99 of 100,000');
    await timed('last page of the timeline', async () => {
      await page.click('.timeline button.last');
      await expect
        .poll(() => page.locator('.timeline .position').textContent())
        .toBe('99,900–99,999 of 100,000');
    });
    const last = await db.events.readRange(run, 99_900, 100_000);
    expect(await page.locator('tr.event-row td.seq').allTextContents()).toEqual(
      last.map((e) => String(e.sequence)),
    );
    await page.fill('.timeline input.goto', '54321');
    await page.click('.goto-form button');
    await expect
      .poll(() => page.locator('.timeline .position').textContent())
      .toBe('54,300–54,399 of 100,000');
    const target = page.locator('tr.event-row.highlight');
    expect(await target.getAttribute('data-seq')).toBe('54321');
    expect(await target.locator('td.payload').textContent()).toBe('{"step":54321,"ok":true}');
    await timed('verify a 100,000-event chain', async () => {
      // Generous: on a loaded 2-core machine the page can be busy with the 100,000-event timeline.
      await page.click('button.verify', { timeout: 60_000 });
      await page.locator('.verdict.ok').waitFor({ timeout: 60_000 });
    });
    expect(await page.locator('.verdict').textContent()).toBe(
      'Chain intact: 100,000 events verified (SHA-256, from sequence 0).',
    );
    expect(errors).toEqual([]);
  });
});
