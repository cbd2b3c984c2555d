import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentDBError } from '@agentdb/primitives';

/** One file of the page, held in memory. */
export interface Asset {
  body: Buffer;
  contentType: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Where `pnpm build` puts the page (HTML, CSS and the compiled scripts). This module lives in `src/`
 * (tests) or `dist/` (the package), siblings, so `../dist/public` is the same folder from both.
 */
export const ASSETS_DIR = fileURLToPath(new URL('../dist/public/', import.meta.url));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
}

/**
 * Loads every file of the page into memory, by URL path under `/assets/` (`/assets/app.css`,
 * `/assets/client/main.js`). Serving from a fixed map means no request path ever reaches the file
 * system. Throws `NOT_FOUND` if the page has not been built.
 *
 * @example
 * const assets = loadAssets(); assets.get('/assets/app.css')?.contentType; // 'text/css; charset=utf-8'
 */
export function loadAssets(dir = ASSETS_DIR): Map<string, Asset> {
  if (!existsSync(join(dir, 'index.html'))) {
    throw new AgentDBError(
      'NOT_FOUND',
      `the viewer's page is not built (${dir} has no index.html): run pnpm build`,
    );
  }
  const assets = new Map<string, Asset>();
  for (const file of walk(dir)) {
    const contentType = CONTENT_TYPES[extname(file)];
    if (contentType === undefined) continue;
    assets.set(`/assets/${relative(dir, file).split(sep).join('/')}`, {
      body: readFileSync(file),
      contentType,
    });
  }
  return assets;
}
