import type { Reporter, TestModule } from 'vitest/node';

/** The longest test title (its own name, without the describe blocks) a package may have. */
export const MAX_TITLE_LENGTH = 200;

/**
 * Fails the run (exit status 1) when a test's title is longer than MAX_TITLE_LENGTH: such a title
 * almost always embeds a test value (`it.each` formats every argument it is given), and reporters
 * print titles — a 16 MiB value in a title once printed 16.8 MB to a terminal. Name the case instead.
 *
 * @example
 * defineConfig({ test: { reporters: ['default', new TitleLengthReporter()] } });
 */
export class TitleLengthReporter implements Reporter {
  readonly #long: string[] = [];

  onTestModuleCollected(testModule: TestModule): void {
    for (const test of testModule.children.allTests()) {
      if (test.name.length > MAX_TITLE_LENGTH) {
        this.#long.push(
          `  ${testModule.moduleId}: "${test.name.slice(0, 80)}…" (${test.name.length} characters)`,
        );
      }
    }
  }

  onTestRunEnd(): void {
    if (this.#long.length === 0) return;
    process.exitCode = 1;
    process.stderr.write(
      `\nTest titles over ${MAX_TITLE_LENGTH} characters (they embed a value: name the case instead):\n${this.#long.join('\n')}\n`,
    );
  }
}
