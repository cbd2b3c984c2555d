import type { AgentDB } from '@agentdb/primitives';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { attributes, cssColor, openPage, screenshot, waitForRuns } from './helpers/browser.js';
import { DEMO_RUNS, demoDatabase } from './helpers/databases.js';
import { useBrowserFixture } from './helpers/fixture.js';

// The database the demo app leaves after two sessions, seen in Chromium.
const f = useBrowserFixture(() => demoDatabase());
let db: AgentDB;
let page: Page;
let errors: string[];

beforeAll(async () => {
  db = f.db;
  ({ page, errors } = await openPage(f.browser));
});

/** The run rows of the runs page, in display order. */
async function shownRuns(p: Page): Promise<{ runId: string; status: string; depth: number }[]> {
  const rows = p.locator('tr.run-row');
  const out: { runId: string; status: string; depth: number }[] = [];
  for (const row of await rows.all()) {
    out.push({
      runId: (await row.getAttribute('data-run'))!,
      status: (await row.locator('.status').textContent())!,
      depth: Number(await row.getAttribute('data-depth')),
    });
  }
  return out;
}

describe('the runs page', () => {
  it('lists every run with its status, nesting each child under its parent, with counts per primitive', async () => {
    await page.goto(f.v.url('/'));
    const all = await db.runs.queryRuns({});
    expect(all).toHaveLength(4);
    await waitForRuns(
      page,
      all.map((r) => r.runId),
    );
    const shown = await shownRuns(page);
    for (const run of all) expect(shown.find((r) => r.runId === run.runId)?.status).toBe(run.status);
    // Each child directly follows its parent, one level deeper.
    const ids = shown.map((r) => r.runId);
    expect(ids.indexOf(DEMO_RUNS.child)).toBe(ids.indexOf(DEMO_RUNS.parent) + 1);
    expect(shown.find((r) => r.runId === DEMO_RUNS.child)?.depth).toBe(1);
    expect(shown.find((r) => r.runId === DEMO_RUNS.parent)?.depth).toBe(0);
    const row = page.locator(`tr.run-row[data-run="${DEMO_RUNS.parent}"]`);
    expect(await row.locator('[data-count="events"]').textContent()).toBe(
      String(await db.events.len(DEMO_RUNS.parent)),
    );
    expect(await row.locator('[data-count="traces"]').textContent()).toBe(
      String(await db.traces.count(DEMO_RUNS.parent)),
    );
    expect(await row.locator('[data-count="kv"]').textContent()).toBe(
      String((await db.kv.list(DEMO_RUNS.parent)).length),
    );
    expect(await row.locator('[data-count="state"]').textContent()).toBe(
      String((await db.state.list(DEMO_RUNS.parent)).length),
    );
    expect(await row.locator('[data-count="children"]').textContent()).toBe('1');
    expect(await row.textContent()).toContain('Fix the flaky payment test');
    // Statuses are coloured: a failed badge is red, a completed one green.
    expect(await cssColor(page, `tr.run-row[data-run="${DEMO_RUNS.child}"] .status`)).toBe(
      'rgb(198, 40, 40)',
    );
    expect(await cssColor(page, `tr.run-row[data-run="${DEMO_RUNS.parent}"] .status`)).toBe(
      'rgb(30, 125, 58)',
    );
    await screenshot(page, 'runs-page');
  });

  it('filters by status and tag and searches by id or name, keeping the filters in the URL', async () => {
    await page.goto(f.v.url('/'));
    await waitForRuns(page, Object.values(DEMO_RUNS));
    await page.selectOption('select[name="status"]', 'failed');
    await waitForRuns(page, [DEMO_RUNS.child, DEMO_RUNS.child2]);
    expect((await shownRuns(page)).every((r) => r.status === 'failed')).toBe(true);
    expect(page.url()).toContain('status=failed');
    await page.selectOption('select[name="status"]', '');
    await page.fill('input[name="tag"]', 'parent');
    await waitForRuns(page, [DEMO_RUNS.parent, DEMO_RUNS.parent2]);
    // Tags match exactly: "paren" is not "parent".
    await page.fill('input[name="tag"]', 'paren');
    await page.locator('p.empty', { hasText: 'No runs match' }).waitFor();
    await page.fill('input[name="tag"]', '');
    await page.fill('input[name="q"]', 'S1-FIX');
    await waitForRuns(page, [DEMO_RUNS.parent, DEMO_RUNS.child]);
    await page.fill('input[name="q"]', 'retry timeout'); // in the child runs' names
    await waitForRuns(page, [DEMO_RUNS.child, DEMO_RUNS.child2]);
    // A reload keeps the filters.
    await page.reload();
    await waitForRuns(page, [DEMO_RUNS.child, DEMO_RUNS.child2]);
    expect(await page.inputValue('input[name="q"]')).toBe('retry timeout');
  });
});

describe('a run page', () => {
  const run = DEMO_RUNS.parent;

  /** The trace lines shown, as [id, depth]. */
  async function treeLines(p: Page): Promise<[string, number][]> {
    const out: [string, number][] = [];
    for (const line of await p.locator('.trace-line').all()) {
      out.push([(await line.getAttribute('data-trace'))!, Number(await line.getAttribute('data-depth'))]);
    }
    return out;
  }

  it('shows the trace tree with the right nesting, expands and collapses it, and shows the selected trace', async () => {
    await page.goto(f.v.url(`/runs/${run}`));
    const roots = await db.traces.getRoots(run);
    await expect.poll(() => treeLines(page)).toEqual(roots.map((t) => [t.id, 0]));
    const root = roots[0]!;
    const children = await db.traces.getChildren(run, root.id);
    expect(children.length).toBeGreaterThan(3);
    await page.locator(`.trace-line[data-trace="${root.id}"] .caret`).click();
    await expect
      .poll(() => treeLines(page))
      .toEqual([[root.id, 0], ...children.map((t): [string, number] => [t.id, 1])]);
    // A child with children of its own opens one level deeper, right under it.
    const middle = children.find((c) => c.id === '07-dispatch')!;
    const grandchildren = await db.traces.getChildren(run, middle.id);
    expect(grandchildren.length).toBe(4);
    await page.locator(`.trace-line[data-trace="${middle.id}"] .caret`).click();
    await expect
      .poll(async () => (await treeLines(page)).length)
      .toBe(1 + children.length + grandchildren.length);
    const lines = await treeLines(page);
    const at = lines.findIndex(([id]) => id === middle.id);
    expect(lines.slice(at + 1, at + 1 + grandchildren.length)).toEqual(grandchildren.map((t) => [t.id, 2]));
    // Essentials per type: tool name, arguments → result, duration; decision question → chosen; tags as chips.
    const call = page.locator('.trace-line[data-trace="08-run_tests"]');
    expect(await call.locator('.tool').textContent()).toBe('run_tests');
    expect(await call.locator('.args').textContent()).toBe('({"suite":"checkout","repeat":20})');
    expect(await call.locator('.result').textContent()).toContain('"passed":956');
    expect(await call.locator('.chip').allTextContents()).toEqual(['worker-a', 'task:reproduce-locally']);
    const decision = page.locator(`.trace-line[data-trace="${middle.id}"]`);
    expect(await decision.locator('.question').textContent()).toBe('How to split the investigation?');
    expect(await decision.locator('.chosen').textContent()).toMatch(/^two workers sharing a queue/);
    // Selecting a trace shows all its fields and metadata.
    await call.click();
    const details = page.locator('.trace-details');
    await details.locator('h3', { hasText: '08-run_tests' }).waitFor();
    const text = (await details.textContent())!;
    const trace = (await db.traces.get(run, '08-run_tests'))!;
    expect(trace.traceType.type).toBe('tool_call');
    for (const field of ['toolName', 'arguments', 'result', 'metadata', 'parent', '07-dispatch', 'worker-a'])
      expect(text).toContain(field);
    expect(await call.getAttribute('class')).toContain('selected');
    await screenshot(page, 'run-page');
    // Collapsing the root hides every descendant.
    await page.locator(`.trace-line[data-trace="${root.id}"] .caret`).click();
    await expect.poll(() => treeLines(page)).toEqual(roots.map((t) => [t.id, 0]));
    // "Expand all" opens every level.
    await page.click('button.expand-all');
    await expect.poll(async () => (await treeLines(page)).length).toBe(await db.traces.count(run));
    expect(errors).toEqual([]);
  });

  it('shows every event on the timeline and verifies the chain intact', async () => {
    await page.goto(f.v.url(`/runs/${run}#events`));
    const length = await db.events.len(run);
    const events = await db.events.readRange(run, 0, length);
    await expect.poll(() => page.locator('tr.event-row').count()).toBe(length);
    const seqs = await page.locator('tr.event-row td.seq').allTextContents();
    expect(seqs).toEqual(events.map((e) => String(e.sequence)));
    expect(await page.locator('tr.event-row td.etype').allTextContents()).toEqual(
      events.map((e) => e.eventType),
    );
    expect(await attributes(page.locator('tr.event-row td.hash'), 'title')).toEqual(
      events.map((e) => e.hash),
    );
    // A click shows the whole event.
    await page.locator('tr.event-row[data-seq="0"]').click();
    const detail = page.locator('tr.event-detail[data-detail="0"]');
    await detail.waitFor();
    expect(await detail.textContent()).toContain(events[0]!.prevHash);
    await page.click('button.verify');
    const verdict = page.locator('.verdict.ok');
    await verdict.waitFor();
    expect(await verdict.textContent()).toBe(
      `Chain intact: ${length} events verified (SHA-256, from sequence 0).`,
    );
    expect(await page.locator('tr.event-row.bad').count()).toBe(0);
  });

  it('shows KV entries with their expiry counting down, state cells with versions, child runs and metadata', async () => {
    await page.goto(f.v.url(`/runs/${run}#kv`));
    const keys = await db.kv.list(run);
    await expect.poll(() => page.locator('.kv-table tbody tr[data-key]').count()).toBe(keys.length);
    expect(await attributes(page.locator('.kv-table tbody tr[data-key]'), 'data-key')).toEqual(keys);
    const expiring = page.locator('.kv-table [data-expires]').first();
    const before = await expiring.textContent();
    expect(before).toMatch(/^in \d+m \d\ds$/);
    await expect.poll(() => expiring.textContent(), { timeout: 5000 }).not.toBe(before);
    expect(await page.locator('tr[data-key="changelog"] td.time').textContent()).toBe('never');

    await page.click('a.tab[data-tab="state"]');
    const phase = page.locator('.state-table tr[data-cell="phase"]');
    await phase.waitFor();
    const state = (await db.state.read(run, 'phase'))!;
    expect(await phase.locator('.version').textContent()).toBe(`v${state.version}`);
    expect(await phase.locator('pre').textContent()).toBe(JSON.stringify(state.value));

    await page.click('a.tab[data-tab="children"]');
    const child = page.locator(`.children tr.run-row[data-run="${DEMO_RUNS.child}"]`);
    await child.waitFor();
    expect(await child.locator('.status').textContent()).toBe('failed');

    await page.click('a.tab[data-tab="metadata"]');
    await page.locator('.metadata pre').waitFor();
    expect(await page.locator('.metadata pre').textContent()).toContain('"agent": "triage-bot"');
  });

  it('shows a failed child run with its error and a link to its parent', async () => {
    await page.goto(f.v.url(`/runs/${DEMO_RUNS.child}`));
    const record = (await db.runs.getRun(DEMO_RUNS.child))!;
    await page.locator('.run-error-banner').waitFor();
    expect(await page.locator('.run-error-banner').textContent()).toBe(`Error: ${record.error}`);
    expect(await page.locator('.run-header h1 .status').textContent()).toBe('failed');
    await page.click('a.parent-link');
    await page.waitForURL(f.v.url(`/runs/${DEMO_RUNS.parent}`));
    await page.locator('.run-header h1 .status', { hasText: 'completed' }).waitFor();
    expect(errors).toEqual([]);
  });
});
