import { defineConfig } from 'vitest/config';

/**
 * The vitest config every package uses. Tests run against real storage, so they get generous
 * timeouts and run files in separate forks (LMDB environments are per process).
 */
export function packageConfig(overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      pool: 'forks',
      testTimeout: overrides.testTimeout ?? 60_000,
      hookTimeout: 60_000,
      coverage: {
        provider: 'v8',
        include: ['src/**/*.ts'],
        exclude: ['src/**/*.test.ts'],
        reporter: ['text-summary', 'json-summary'],
      },
    },
  });
}
