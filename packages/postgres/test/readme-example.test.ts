import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, inject, it } from 'vitest';
import { freshSchema } from './helpers/engine.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
/** The built entry of a package of this repository (packages/<pkg>/dist/index.js), as a file URL. */
const built = (pkg: string) => new URL(`../../${pkg}/dist/index.js`, import.meta.url).href;

const dir = mkdtempSync(join(tmpdir(), 'agentdb-pg-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('the README quick start runs as written (against the built packages and a real server) and prints 0', () => {
  const text = readFileSync(README, 'utf8');
  const code = /<!-- readme-example[^>]*-->\n```ts\n([\s\S]*?)\n```/.exec(text)?.[1];
  expect(code, 'README.md has a readme-example block').toBeDefined();
  expect(code!.split('\n').length).toBeLessThanOrEqual(15);
  // Only the imports and the server address change: they point at the builds and the test server.
  const script = join(dir, 'quick-start.mjs');
  writeFileSync(
    script,
    code!
      .replace("'@agentdb/postgres'", `'${built('postgres')}'`)
      .replace("'@agentdb/primitives'", `'${built('primitives')}'`)
      .replace('postgres://agent:secret@db:5432/agents', `${inject('pgUrl')}?schema=${freshSchema()}`),
  );
  const out = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  expect(out.status).toBe(0);
  expect(out.stdout).toBe('0\n');
});
