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

export default function ensureChromium(): void {
  if (existsSync(CHROMIUM)) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot) {
    throw new Error(
      `The viewer's browser tests need Debian's Chromium at ${CHROMIUM}. Install it with:\n  sudo ${INSTALL}`,
    );
  }
  process.stderr.write(`Chromium is missing: running "${INSTALL}" (once per machine)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM)) throw new Error(`"${INSTALL}" ran but ${CHROMIUM} is still missing`);
}
