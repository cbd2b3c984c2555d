import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../../tooling/workspace-build.mjs';

/** A user's project directory outside the repository, removed by `remove`. */
export interface ScratchProject {
  dir: string;
  /** Writes a file (a relative path) into the project. */
  write(file: string, text: string): void;
  remove(): void;
}

/**
 * An empty ESM project in the system's temporary directory (never under the repository, so no
 * workspace file, lockfile or node_modules of ours is in reach), whose `.npmrc` is `npmrc`.
 *
 * @example const project = scratchProject('kv-npm', registry.npmrc)
 */
export function scratchProject(name: string, npmrc: string): ScratchProject {
  const dir = mkdtempSync(join(tmpdir(), `agentdb-${name}-`));
  if (dir.startsWith(ROOT)) throw new Error(`the scratch directory ${dir} is inside the repository`);
  const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
  write('package.json', `${JSON.stringify({ name, private: true, type: 'module' }, null, 2)}\n`);
  write('.npmrc', npmrc);
  return { dir, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The fenced code blocks of a README in `lang`, in order, as written; with `under`, only those of the
 * section whose heading is `under` (up to the next heading of the same or a higher level).
 *
 * @example readmeBlocks('packages/kv/README.md', 'sh')[0] // 'npm i @agentdb/kv\n'
 * @example readmeBlocks('README.md', 'sh', { under: '## Quick start' })[0]
 */
export function readmeBlocks(readme: string, lang: string, { under }: { under?: string } = {}): string[] {
  let text = readFileSync(join(ROOT, readme), 'utf8');
  if (under !== undefined) {
    const start = text.split('\n').indexOf(under);
    if (start === -1) throw new Error(`${readme} has no heading "${under}"`);
    const level = under.indexOf(' ');
    const lines = text.split('\n').slice(start + 1);
    // A heading ends the section; a `# comment` inside a code block does not.
    let fenced = false;
    const end = lines.findIndex((line) => {
      if (line.startsWith('```')) fenced = !fenced;
      return !fenced && /^#+ /.test(line) && line.indexOf(' ') <= level;
    });
    text = (end === -1 ? lines : lines.slice(0, end)).join('\n');
  }
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)]
    .filter((m) => m[1] === lang)
    .map((m) => m[2] ?? '');
}

/**
 * The commands of a shell block: one per line, without comments and blank lines.
 *
 * @example commandsOf('pnpm demo   # fills it\n') // ['pnpm demo']
 */
export function commandsOf(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
