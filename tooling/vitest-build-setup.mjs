// Vitest global setup shared by every package: tests import their workspace dependencies from those
// packages' dist/ (and some spawn their own dist/), so outside turbo — `pnpm --filter @agentdb/kv test`
// or `pnpm test` inside a package, in a fresh clone — it first builds whatever of that is missing or
// stale. Under turbo (`pnpm test` at the root) the `test` task already depends on `^build` and
// `build`, and building here too would race turbo's own builds, so it does nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, workspacePackages } from './workspace-build.mjs';

export default function setup(project) {
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: turbo sets it in every task; it says who runs us, not an input
  if (process.env.TURBO_HASH !== undefined) return;
  const { name } = JSON.parse(readFileSync(join(project.config.root, 'package.json'), 'utf8'));
  // A project outside the workspace (a test fixture using this config) has nothing here to build.
  if (!workspacePackages().has(name)) return;
  ensureBuilt(name, { dev: true, log: (line) => process.stderr.write(`${line}\n`) });
}
