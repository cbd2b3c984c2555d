import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { AgentDB } from '../src/index.js';

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** The code block that follows the `readme-example` marker in README.md, exactly as written there. */
function readmeExample(): string {
  const text = readFileSync(README, 'utf8');
  const match = /<!-- readme-example[^>]*-->\n```ts\n([\s\S]*?)\n```/.exec(text);
  if (match === null) throw new Error('README.md has no readme-example block');
  return match[1]!;
}

describe('the README example', () => {
  const dir = tempDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs as written (against the built package) and prints what its comments say', async () => {
    expect(existsSync(BUILT), 'build the package first (npx tsc -p tsconfig.build.json)').toBe(true);
    const code = readmeExample();
    const lines = code.split('\n');
    expect(lines.length).toBeLessThanOrEqual(25);
    // The example is valid JavaScript as well as TypeScript: only its import is pointed at the build.
    const script = join(dir, 'example.mjs');
    writeFileSync(script, code.replace("'@agentdb/primitives'", `'${pathToFileURL(BUILT).href}'`));
    const out = spawnSync(process.execPath, [script], { cwd: dir, encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    // Each console.log line carries its expected output as a trailing comment (before any " — " remark).
    const expected = lines
      .filter((l) => l.startsWith('console.log('))
      .map((l) => l.slice(l.lastIndexOf('// ') + 3).split(' — ')[0]);
    expect(expected).toHaveLength(5);
    expect(out.stdout.trim().split('\n')).toEqual(expected);

    // What it left on disk: a database in ./agent-data with no runs and no data of the deleted run.
    const db = await AgentDB.open({ path: join(dir, 'agent-data') });
    try {
      expect(await db.runs.count()).toBe(0);
      expect((await db.engine.verify()).ok).toBe(true);
    } finally {
      await db.close();
    }
  });
});
