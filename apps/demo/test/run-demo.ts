import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built program the tests run, exactly as a user does. */
export const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** What one run of the demo printed, and how it exited. */
export interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `node dist/main.js …args` as a child process with piped output (so no colours), and waits.
 *
 * @example const { code, stdout } = runDemo(['--dir', dir])
 */
export function runDemo(args: readonly string[], env: NodeJS.ProcessEnv = {}): DemoRun {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -p tsconfig.build.json)`);
  const { NO_COLOR: _n, FORCE_COLOR: _f, ...inherited } = process.env;
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    encoding: 'utf8',
    env: { ...inherited, ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The lines of `text` between the heading starting with `title` and the next heading. */
export function section(text: string, title: string): string[] {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`▌ ${title}`));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && (l.startsWith('▌ ') || l === ''));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
