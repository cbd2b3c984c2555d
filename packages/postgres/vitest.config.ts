import { defineConfig, mergeConfig } from 'vitest/config';
import { packageConfig } from '../../tooling/vitest.shared.ts';

// One real PostgreSQL server for the run (test/global-setup.ts); each test opens a fresh schema on it.
export default mergeConfig(
  packageConfig(),
  defineConfig({ test: { globalSetup: ['test/global-setup.ts'] } }),
);
