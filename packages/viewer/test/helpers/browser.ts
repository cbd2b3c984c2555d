import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { CHROMIUM } from '../setup/chromium.js';

/** Where the tests write their screenshots (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));

/**
 * Debian's Chromium, headless, driven by playwright-core (the global setup made sure it is there;
 * Playwright never downloads a browser of its own here).
 *
 * @example
 * const browser = await launchChromium();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A fresh page (1440×900) that fails the test on any script error in the page.
 *
 * @example
 * const { page, errors } = await openPage(browser);
 */
export async function openPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  // Fail within a test's time with a message naming the step, rather than at the test timeout.
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  return { page, errors };
}

/**
 * Saves a screenshot of the whole page under `screenshots/<name>.png`.
 *
 * @example
 * await screenshot(page, 'runs-page');
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
}

/**
 * The computed `color` of the first element matching `selector` (page scripts are written as text:
 * the tests are type-checked without the DOM library).
 *
 * @example
 * await cssColor(page, '.status-failed'); // 'rgb(198, 40, 40)'
 */
export async function cssColor(
  page: Page,
  selector: string,
  property: 'color' | 'background-color' = 'color',
): Promise<string> {
  return page.evaluate(
    `getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`,
  );
}

/**
 * One attribute of every element `locator` matches, in order.
 *
 * @example
 * await attributes(page.locator('tr.event-row td.hash'), 'title');
 */
export async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const el of await locator.all()) out.push(await el.getAttribute(name));
  return out;
}

/**
 * Waits until the runs table shows exactly the runs `ids`, in any order (nesting reorders a page).
 *
 * @example
 * await waitForRuns(page, ['a', 'b']);
 */
export async function waitForRuns(page: Page, ids: readonly string[]): Promise<void> {
  await expect
    .poll(async () => (await attributes(page.locator('tr.run-row'), 'data-run')).sort())
    .toEqual([...ids].sort());
}
