import { mergeConfig } from 'vitest/config';
import { packageConfig } from '../../tooling/vitest.shared.ts';

// The browser tests need Debian's Chromium: the global setup makes sure it is installed (or fails
// with the command to run). Files run one at a time: each drives its own Chromium, and the machine is shared.
export default mergeConfig(packageConfig(), {
  test: {
    globalSetup: ['test/setup/chromium.ts'],
    fileParallelism: false,
    // Pages update asynchronously (fetches, the live feed): polled expectations get time to settle.
    expect: { poll: { timeout: 15_000 } },
  },
});
