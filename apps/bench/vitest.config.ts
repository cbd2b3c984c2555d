import { mergeConfig } from 'vitest/config';
import { packageConfig } from '../../tooling/vitest.shared.ts';

// The SQLite baseline's native addon is built on first use (src/sqlite-native.ts), before any test file runs.
export default mergeConfig(packageConfig(), { test: { globalSetup: ['test/global-setup.ts'] } });
