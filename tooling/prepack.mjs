// `prepack` of every published package (`pnpm pack`, `pnpm publish`, `changeset publish`): builds the
// package and its workspace dependencies where their dist/ is missing or stale (one builder at a time,
// and never a rewrite of a current build: changesets packs up to ten packages at once), then puts the
// repository's LICENSE beside the package.json, where npm and pnpm always ship it.
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt, ROOT } from './workspace-build.mjs';

const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
ensureBuilt(name, { log: (line) => process.stderr.write(`${line}\n`) });
copyFileSync(join(ROOT, 'LICENSE'), 'LICENSE');
