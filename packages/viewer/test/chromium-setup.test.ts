import { expect, it } from 'vitest';
import { CHROMIUM, ensureChromium } from './setup/chromium.js';

// The global setup's two other outcomes (the third, installing as root, runs on a fresh machine).

it('finds the installed Chromium and does nothing more', () => {
  expect(() => ensureChromium(CHROMIUM, false)).not.toThrow();
});

it('without root, fails on a missing Chromium with the exact command that installs it', () => {
  expect(() => ensureChromium('/nonexistent/chromium', false)).toThrow(
    "The viewer's browser tests need Debian's Chromium at /nonexistent/chromium. Install it with:\n  sudo apt-get update && sudo apt-get install -y chromium",
  );
});
