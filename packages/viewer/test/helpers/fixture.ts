import type { AgentDB } from '@agentdb/primitives';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium } from './browser.js';
import { type OpenViewer, openViewer, removeDir } from './databases.js';

/** A database directory shown by a viewer, and a Chromium to look at it, for one test file. */
export interface BrowserFixture {
  dir: string;
  /** The viewer on a read-only open of `dir`. */
  v: OpenViewer;
  /** That read-only database, to compare the pages with. */
  db: AgentDB;
  browser: Browser;
}

/**
 * Before the file's tests: builds the database with `makeDir`, opens a viewer on it and launches
 * Chromium; after them, closes all of it and removes the directory.
 *
 * @example
 * const f = useBrowserFixture(() => demoDatabase());
 * it('…', async () => { const { page } = await openPage(f.browser); await page.goto(f.v.url('/')); });
 */
export function useBrowserFixture(
  makeDir: () => string | Promise<string>,
  setupTimeoutMs = 60_000,
): BrowserFixture {
  const f = {} as BrowserFixture;
  beforeAll(async () => {
    f.dir = await makeDir();
    f.v = await openViewer(f.dir);
    f.db = f.v.db;
    f.browser = await launchChromium();
  }, setupTimeoutMs);
  afterAll(async () => {
    await f.browser?.close();
    await f.v?.close();
    if (f.dir !== undefined) removeDir(f.dir);
  });
  return f;
}
