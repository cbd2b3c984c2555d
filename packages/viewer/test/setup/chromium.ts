import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Vitest global setup: the browser tests drive Debian's Chromium (never a browser Playwright would
 * download). When it is missing and this process may install packages (root, as in CI), it installs
 * it; otherwise it fails with the exact command to run. It never skips: a browser test that does not
 * run proves nothing.
 */

/** Where Debian's `chromium` package puts the browser. */
export const CHROMIUM = '/usr/bin/chromium';

const INSTALL = 'apt-get update && apt-get install -y chromium';

/**
 * Installs Chromium at `path` when it is missing and `isRoot`; throws the command to run otherwise.
 *
 * @example
 * ensureChromium(); // the global setup
 */
export function ensureChromium(path = CHROMIUM, isRoot = process.getuid?.() === 0): void {
  if (existsSync(path)) return;
  if (!isRoot) {
    throw new Error(
      `The viewer's browser tests need Debian's Chromium at ${path}. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium`,
    );
  }
  process.stderr.write(`Chromium is missing: running "${INSTALL}" (once per machine)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(path)) throw new Error(`"${INSTALL}" ran but ${path} is still missing`);
}

export default function setup(): void {
  ensureChromium();
}
