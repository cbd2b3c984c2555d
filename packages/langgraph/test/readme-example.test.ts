import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(PACKAGE, 'README.md'), 'utf8');
const CLI = join(PACKAGE, 'node_modules/@agentdb/cli/dist/main.js');
const SPECIFIERS = ['@agentdb/langgraph', '@agentdb/primitives', '@langchain/langgraph'];

/** The fenced block of `lang` right after the `<!-- marker … -->` comment, exactly as written. */
function block(marker: string, lang: string): string {
  const match = new RegExp(`<!-- ${marker}[^>]*-->\\n\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``).exec(README);
  if (match === null) throw new Error(`README.md has no ${marker} block`);
  return match[1]!;
}

/** The ESM entry each specifier resolves to from this package (`@agentdb/langgraph` is the build). */
function resolveFromPackage(): Map<string, string> {
  const script = `for (const s of ${JSON.stringify(SPECIFIERS)}) console.log(import.meta.resolve(s));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: PACKAGE,
    encoding: 'utf8',
  });
  return new Map(
    out
      .trim()
      .split('\n')
      .map((url, i) => [SPECIFIERS[i]!, url]),
  );
}

describe('the README', () => {
  const dir = tempDir('agentdb-langgraph-readme-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('example runs as written (against the build) and prints what its comments say', () => {
    expect(existsSync(join(PACKAGE, 'dist/index.js')), 'build the package first').toBe(true);
    const code = block('readme-example', 'ts');
    const lines = code.split('\n');
    expect(lines.length).toBeLessThanOrEqual(22);
    expect(code).toContain('new MemorySaver()');
    // Valid JavaScript as well as TypeScript: only the imports are pointed at what this package resolves.
    let script = code;
    for (const [specifier, url] of resolveFromPackage())
      script = script.replace(`'${specifier}'`, `'${url}'`);
    writeFileSync(join(dir, 'example.mjs'), script);
    const run = spawnSync(process.execPath, ['example.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const expected = lines
      .filter((l) => l.startsWith('console.log('))
      .map((l) => l.slice(l.lastIndexOf('// ') + 3));
    expect(expected).toHaveLength(3);
    expect(run.stdout.trim().split('\n')).toEqual(expected);
  });

  it('agentdb commands work on the directory the example wrote, and verify prints what the README shows', () => {
    expect(existsSync(CLI), 'build @agentdb/cli first').toBe(true);
    const outputs = block('readme-cli', 'sh')
      .split('\n')
      .map((line) => {
        const [command, ...args] = line.split(' ');
        expect(command).toBe('agentdb');
        return execFileSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
      });
    const [runs, events, verify] = outputs as [string, string, string];
    expect(runs).toMatch(/^conversation-1 +active +\S+ +conversation-1 +- +langgraph-thread$/m);
    expect(events.trim().split('\n')).toHaveLength(6);
    for (const line of events.trim().split('\n'))
      expect(line).toMatch(/^#\d {2}\S+ {2}langgraph\.checkpoint {2}\{"checkpointId":/);
    const shown = /```text\n[\s\S]*?\n\n[\s\S]*?\n\n([\s\S]*?)\n```/.exec(
      README.slice(README.indexOf('<!-- readme-cli')),
    )?.[1];
    expect(verify.trim()).toBe(shown);
  });
});
