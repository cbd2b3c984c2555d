import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TitleLengthReporter } from './title-length-reporter.ts';

/** A console line from a test longer than this is cut: a log line never carries a large value. */
const MAX_LOG_LENGTH = 2_000;

/**
 * The vitest config every package uses. Tests run against real storage, so they get generous
 * timeouts and run files in separate forks (LMDB environments are per process). The global setup
 * builds the package's workspace dependencies when no turbo run did (vitest-build-setup.mjs); a test
 * title that embeds a large value fails the run, and a huge console line is cut.
 */
export function packageConfig(overrides: { testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      globalSetup: [fileURLToPath(new URL('./vitest-build-setup.mjs', import.meta.url))],
      reporters: ['default', new TitleLengthReporter()],
      onConsoleLog(log, type) {
        if (log.length <= MAX_LOG_LENGTH) return;
        const cut = `${log.slice(0, 200)}… (${log.length} characters; cut by tooling/vitest.shared.ts)\n`;
        (type === 'stderr' ? process.stderr : process.stdout).write(cut);
        return false;
      },
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
