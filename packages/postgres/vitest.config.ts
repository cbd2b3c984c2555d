import { defineConfig, mergeConfig } from 'vitest/config';
import { packageConfig } from '../../tooling/vitest.shared.ts';

// One real PostgreSQL server for the run (test/global-setup.ts); each test opens a fresh schema on it.
// Every statement is a round trip to a server sharing the machine's cores with the other packages'
// tests in CI, so a test may take minutes there: the time limit is a safety net, not a speed check.
export default mergeConfig(
  packageConfig({ testTimeout: 300_000 }),
  defineConfig({ test: { globalSetup: ['test/global-setup.ts'] } }),
);
