// Builds a workspace package and the workspace packages it depends on, each only if its `dist/` is
// missing or older than its sources. Used where turbo's `^build` ordering is not in charge:
// - the shared vitest setup (`pnpm --filter @agentdb/kv test` in a fresh clone), and
// - `prepack` (`pnpm pack`, `changeset publish`), which may run for several packages at once.
// A package whose build is current is never touched (no rewrite, unlike a turbo cache replay), and
// builds run one at a time under a lock, so a package being packed is never rebuilt under its feet.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `<root>/tooling`). */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

const DEP_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

/**
 * Every workspace package: name → { dir, manifest }. Reads the `- dir/*` globs of pnpm-workspace.yaml.
 *
 * @example workspacePackages().get('@agentdb/kv').dir // '<root>/packages/kv'
 */
export function workspacePackages(root = ROOT) {
  const yaml = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const globs = [...yaml.matchAll(/^\s+-\s+['"]?([\w.-]+)\/\*['"]?\s*$/gm)].map((m) => m[1]);
  const packages = new Map();
  for (const glob of globs) {
    const parent = join(root, glob);
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const file = join(parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      packages.set(manifest.name, { dir: join(parent, entry.name), manifest });
    }
  }
  return packages;
}

/**
 * `name` and its workspace dependencies (`workspace:` specifiers), dependencies first. With `dev`,
 * the package's own devDependencies count too (its tests import them); theirs never do.
 *
 * @example buildOrder(workspacePackages(), '@agentdb/kv') // ['@agentdb/core', '@agentdb/engine', '@agentdb/kv']
 */
export function buildOrder(packages, name, { dev = false } = {}) {
  const order = [];
  const seen = new Set();
  const visit = (pkg, withDev) => {
    if (seen.has(pkg)) return;
    seen.add(pkg);
    const { manifest } = packages.get(pkg);
    const fields = withDev ? [...DEP_FIELDS, 'devDependencies'] : DEP_FIELDS;
    for (const field of fields) {
      for (const [dep, spec] of Object.entries(manifest[field] ?? {})) {
        if (String(spec).startsWith('workspace:') && packages.has(dep)) visit(dep, false);
      }
    }
    order.push(pkg);
  };
  if (!packages.has(name)) throw new Error(`no workspace package named ${name}`);
  visit(name, dev);
  return order;
}

function newestMtime(path, skip = () => false) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (!skip(entry)) newest = Math.max(newest, newestMtime(join(path, entry), skip));
  }
  return newest;
}

/**
 * Whether a package's build is missing or older than what it is built from (its `src/`, its
 * tsconfigs and the shared base tsconfig). A package without a `build` script is never stale.
 *
 * @example isStale(workspacePackages().get('@agentdb/kv')) // true in a fresh clone
 */
export function isStale({ dir, manifest }, root = ROOT) {
  if (manifest.scripts?.build === undefined) return false;
  const built = newestMtime(join(dir, 'dist'));
  if (built === 0) return true;
  const inputs = Math.max(
    newestMtime(join(dir, 'src'), (entry) => entry.endsWith('.test.ts')),
    ...['tsconfig.json', 'tsconfig.build.json'].map((f) => newestMtime(join(dir, f))),
    newestMtime(join(root, 'tooling', 'tsconfig.base.json')),
  );
  return inputs > built;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Runs `fn` holding a lock directory (one builder at a time); a dead holder's lock is taken over. */
function withLock(root, fn) {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const lock = join(cache, 'agentdb-workspace-build.lock');
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      let holder = Number.NaN;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {}
      // A lock without a pid yet is being taken right now; one whose holder died is free.
      if (Number.isInteger(holder) && holder > 0 && !isAlive(holder))
        rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      else sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds `name` and its workspace dependencies where stale, in dependency order, one at a time.
 * Returns the names it built. A failed build throws with the build's output.
 *
 * @example ensureBuilt('@agentdb/kv', { dev: true, log: console.error })
 */
export function ensureBuilt(name, { dev = false, log = () => {}, root = ROOT } = {}) {
  const packages = workspacePackages(root);
  return withLock(root, () => {
    const built = [];
    for (const pkg of buildOrder(packages, name, { dev })) {
      const entry = packages.get(pkg);
      if (!isStale(entry, root)) continue;
      log(`building ${pkg} (its dist/ is missing or older than its sources)`);
      const run = spawnSync('npm', ['run', 'build'], { cwd: entry.dir, encoding: 'utf8' });
      if (run.status !== 0) {
        throw new Error(
          `building ${pkg} failed (npm run build in ${entry.dir}):\n${run.stdout}${run.stderr}`,
        );
      }
      built.push(pkg);
    }
    return built;
  });
}
