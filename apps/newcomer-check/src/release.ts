import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { ROOT, workspacePackages } from '../../../tooling/workspace-build.mjs';
import { mustRun, userEnv } from './processes.js';
import type { LocalRegistry } from './registry.js';

/** A package the release published, at the version `changeset version` gave it. */
export interface Released {
  name: string;
  version: string;
}

/** The result of a release: what was published, and the release checkout (removed by `cleanUp`). */
export interface Release {
  packages: Released[];
  checkout: string;
  /** What `changeset publish` printed. */
  log: string;
  cleanUp(): void;
}

// Not part of a release checkout: installs, caches and whatever the demo or a test left behind.
const SKIPPED = new Set(['node_modules', '.turbo', 'coverage', 'agent-data', 'results']);

/**
 * A release checkout: the repository's files as a maintainer's clone holds them after `pnpm build`
 * (sources, builds with their timestamps, manifests, changesets), in a scratch directory so that
 * `changeset version` can bump versions and write changelogs without touching this repository.
 * Its node_modules is the repository's (the changesets CLI and its changelog module live there).
 */
function releaseCheckout(): string {
  const checkout = mkdtempSync(join(tmpdir(), 'agentdb-release-'));
  const copy = (from: string) =>
    cpSync(join(ROOT, from), join(checkout, from), {
      recursive: true,
      preserveTimestamps: true,
      filter: (source) => !SKIPPED.has(basename(source)),
    });
  for (const file of ['package.json', 'pnpm-workspace.yaml', 'LICENSE', '.changeset', 'tooling']) copy(file);
  for (const { dir } of workspacePackages().values()) copy(relative(ROOT, dir));
  symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'), 'dir');
  // What `pnpm install` links for a workspace dependency (node_modules/<name> → its directory):
  // `pnpm publish` reads the version that replaces `workspace:^` from there.
  const packages = workspacePackages(checkout);
  for (const { dir, manifest } of packages.values()) {
    for (const field of [
      'dependencies',
      'devDependencies',
      'peerDependencies',
      'optionalDependencies',
    ] as const) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        const target = packages.get(name);
        if (!range.startsWith('workspace:') || target === undefined) continue;
        mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
        symlinkSync(target.dir, join(dir, 'node_modules', name), 'dir');
      }
    }
  }
  return checkout;
}

/**
 * The maintainer's release, against `registry`: `changeset version` (every pending changeset becomes
 * a version bump and a CHANGELOG entry), then `changeset publish --no-git-tag`, which packs each
 * public package with `pnpm publish` (its `prepack` builds what is stale and adds the LICENSE, and
 * pnpm turns `workspace:^` into the version range). The `@agentdb` scope points at `registry` in
 * every place a client reads it (project and user npmrc, environment), so nothing of ours can be
 * published anywhere else.
 *
 * @example
 * const release = await releaseWithChangesets(registry);
 * release.packages; // [{ name: '@agentdb/core', version: '0.2.0' }, …]
 */
export async function releaseWithChangesets(registry: LocalRegistry): Promise<Release> {
  const checkout = releaseCheckout();
  const cleanUp = () => rmSync(checkout, { recursive: true, force: true });
  try {
    // The user config is replaced too, so no credential of this machine's is in reach. (The default
    // registry stays: pnpm fetches itself from there, as `packageManager` asks.)
    writeFileSync(join(checkout, '.npmrc'), registry.npmrc);
    writeFileSync(join(checkout, 'user.npmrc'), registry.npmrc);
    const env = userEnv({
      npm_config_userconfig: join(checkout, 'user.npmrc'),
      'npm_config_@agentdb:registry': registry.url,
    });
    const changeset = createRequire(import.meta.url).resolve('@changesets/cli/bin.js');
    await mustRun(process.execPath, [changeset, 'version'], { cwd: checkout, env });
    const published = await mustRun(process.execPath, [changeset, 'publish', '--no-git-tag'], {
      cwd: checkout,
      env,
    });
    const packages = [...workspacePackages(checkout).values()]
      .filter(({ manifest }) => manifest.private !== true)
      .map(({ dir }) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Released)
      .map(({ name, version }) => ({ name, version }));
    return { packages, checkout, log: `${published.stdout}${published.stderr}`, cleanUp };
  } catch (error) {
    cleanUp();
    throw error;
  }
}
