import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * better-sqlite3 is the bench's second baseline and nothing else in the repository needs it, so
 * `pnpm install` does not build its native addon (pnpm-workspace.yaml: `allowBuilds: better-sqlite3:
 * false`): where no prebuilt binary can be downloaded that build is a minute of C++ compiling, which
 * every first install would otherwise pay. The bench builds it on first use instead, by running the
 * package's own install script (`prebuild-install || node-gyp rebuild --release`) through npm, which
 * ships node-gyp.
 */

const require = createRequire(import.meta.url);

/** The installed better-sqlite3 package directory. */
function packageDir(): string {
  return dirname(require.resolve('better-sqlite3/package.json'));
}

/** Whether the addon loads: checked in a child process, so a failed load leaves this one clean. */
function addonLoads(dir: string): boolean {
  const check = "new (require('better-sqlite3'))(':memory:').close()";
  return spawnSync(process.execPath, ['-e', check], { cwd: dir, stdio: 'ignore' }).status === 0;
}

/**
 * Builds better-sqlite3's native addon unless it already loads. Quiet when there is nothing to do;
 * otherwise one line on `log` before and after, and the build's own output only if it fails.
 *
 * @example
 * ensureSqliteAddon((line) => console.error(line)); // then `new Database(':memory:')` works
 */
export function ensureSqliteAddon(log: (line: string) => void): void {
  const dir = packageDir();
  // From the package's parent directory `require('better-sqlite3')` finds the very same package.
  const from = dirname(dir);
  if (addonLoads(from)) return;
  log(
    'bench: building better-sqlite3 (the SQLite baseline) once: a prebuilt binary, or about a minute of compiling…',
  );
  // Node installs that ship their headers (include/node/node.h beside the binary, as Debian's do)
  // let node-gyp build without downloading them, which fails offline.
  const prefix = dirname(dirname(process.execPath));
  const nodedir = existsSync(join(prefix, 'include', 'node', 'node.h')) ? { npm_config_nodedir: prefix } : {};
  const t0 = performance.now();
  const build = spawnSync('npm', ['run', 'install'], {
    cwd: dir,
    env: { ...process.env, ...nodedir },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (build.status !== 0 || !addonLoads(from)) {
    const output = `${build.stdout ?? ''}${build.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new Error(
      `could not build better-sqlite3 in ${dir} (exit ${build.status ?? build.signal ?? build.error?.message}); the last lines:\n${output}`,
    );
  }
  log(`bench: better-sqlite3 built in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}
