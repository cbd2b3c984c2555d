import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workspacePackages } from '../../../tooling/workspace-build.mjs';
import { packageProblems } from '../src/package-checks.js';
import { mustRun, run, userEnv } from '../src/processes.js';
import { type LocalRegistry, startRegistry } from '../src/registry.js';
import { type Release, releaseWithChangesets } from '../src/release.js';
import { commandsOf, readmeBlocks, type ScratchProject, scratchProject } from '../src/scratch.js';

// The newcomer's path through a real registry: a maintainer releases every package with changesets
// to a local Verdaccio, then users install from it in directories outside the repository.

const PNPM = ['--yes', 'pnpm@12.4.2'];
const SETUP_TIMEOUT = 10 * 60_000;

let registry: LocalRegistry;
let release: Release;
/** One npm cache for the whole file: third-party packages are downloaded once, ours are new. */
let npmCache: string;
const projects: ScratchProject[] = [];

function project(name: string): ScratchProject {
  const p = scratchProject(name, registry.npmrc);
  projects.push(p);
  return p;
}

function npm(args: string[], cwd: string) {
  return mustRun('npm', [...args, '--no-audit', '--no-fund'], {
    cwd,
    env: userEnv({ npm_config_cache: npmCache }),
  });
}

function versionOf(name: string): string {
  const found = release.packages.find((p) => p.name === name);
  if (found === undefined) throw new Error(`${name} was not released`);
  return found.version;
}

beforeAll(async () => {
  npmCache = mkdtempSync(join(tmpdir(), 'agentdb-npm-cache-'));
  registry = await startRegistry();
  release = await releaseWithChangesets(registry);
}, SETUP_TIMEOUT);

afterAll(async () => {
  for (const p of projects) p.remove();
  release?.cleanUp();
  await registry?.stop();
  rmSync(npmCache, { recursive: true, force: true });
});

describe('a release with changesets to a local registry', () => {
  it('publishes every public workspace package, at the version changeset version gave it', async () => {
    const publicPackages = [...workspacePackages().values()]
      .filter(({ manifest }) => manifest.private !== true)
      .map(({ manifest }) => manifest.name)
      .sort();
    expect(release.packages.map((p) => p.name).sort()).toEqual(publicPackages);
    expect(publicPackages).toContain('@agentdb/cli');
    for (const { name, version } of release.packages) {
      const response = await fetch(new URL(name.replace('/', '%2f'), registry.url));
      expect(response.status, `${name} on the registry`).toBe(200);
      const packument = (await response.json()) as { 'dist-tags': { latest: string } };
      expect(packument['dist-tags'].latest, name).toBe(version);
    }
  });

  it('ships in every tarball a LICENSE, real version ranges, every entry with its types, and the sources of its maps', async () => {
    const unpacked = mkdtempSync(join(tmpdir(), 'agentdb-tarballs-'));
    try {
      const problems: string[] = [];
      for (const { name, version } of release.packages) {
        const response = await fetch(new URL(`${name.replace('/', '%2f')}/${version}`, registry.url));
        const { dist } = (await response.json()) as { dist: { tarball: string } };
        const tgz = join(unpacked, `${name.replace('/', '-')}.tgz`);
        writeFileSync(tgz, Buffer.from(await (await fetch(dist.tarball)).arrayBuffer()));
        const dir = join(unpacked, name.replace('/', '-'));
        mkdirSync(dir);
        await mustRun('tar', ['-xzf', tgz, '-C', dir]);
        problems.push(...packageProblems(join(dir, 'package')));
        expect(existsSync(join(dir, 'package', 'README.md')), `${name} README`).toBe(true);
      }
      expect(problems).toEqual([]);
    } finally {
      rmSync(unpacked, { recursive: true, force: true });
    }
  });
});

/** The KV quick start of packages/kv/README.md, run in `dir`, and a second program reading it back. */
async function runKvQuickStart(p: ScratchProject): Promise<void> {
  const [quickStart] = readmeBlocks('packages/kv/README.md', 'ts');
  p.write('main.mjs', quickStart ?? '');
  const first = await mustRun(process.execPath, ['main.mjs'], { cwd: p.dir, env: userEnv() });
  expect(first.stdout).toContain("[ 'search', 'answer' ]");
  // The data is in a real directory: a second process opens it and finds what the first wrote.
  expect(readdirSync(join(p.dir, 'agent-data')).length).toBeGreaterThan(0);
  p.write(
    'read.mjs',
    `import { Database, KVStore } from '@agentdb/kv';
const db = await Database.open({ path: './agent-data' });
console.log(JSON.stringify(await new KVStore(db).get('run-1', 'plan')));
await db.close();
`,
  );
  const second = await mustRun(process.execPath, ['read.mjs'], { cwd: p.dir, env: userEnv() });
  expect(second.stdout.trim()).toBe('["search","answer"]');
}

/** The @agentdb packages in a project's node_modules. */
function agentdbPackages(dir: string): string[] {
  return readdirSync(join(dir, 'node_modules', '@agentdb')).sort();
}

describe('a user installs @agentdb/kv alone', () => {
  let npmProject: ScratchProject;

  it('with npm, as the kv README says, and its quick start keeps data in a real directory', async () => {
    const [install] = readmeBlocks('packages/kv/README.md', 'sh');
    expect(install?.trim()).toBe('npm i @agentdb/kv');
    npmProject = project('kv-npm');
    await npm(['i', '@agentdb/kv'], npmProject.dir);
    // Alone: the package and what it depends on, nothing else of ours.
    expect(agentdbPackages(npmProject.dir)).toEqual(['core', 'engine', 'kv']);
    const installed = JSON.parse(
      readFileSync(join(npmProject.dir, 'node_modules/@agentdb/kv/package.json'), 'utf8'),
    );
    expect(installed.version).toBe(versionOf('@agentdb/kv'));
    for (const name of ['core', 'engine', 'kv'])
      expect(packageProblems(join(npmProject.dir, 'node_modules/@agentdb', name))).toEqual([]);
    await runKvQuickStart(npmProject);
    // The top README's "In your project" example runs as written in the same project.
    const [topInstall] = readmeBlocks('README.md', 'sh', { under: '## In your project' });
    expect(commandsOf(topInstall ?? '')).toEqual(['npm i @agentdb/kv']);
    const [inYourProject] = readmeBlocks('README.md', 'ts', { under: '## In your project' });
    npmProject.write('in-your-project.mjs', inYourProject ?? '');
    await mustRun(process.execPath, ['in-your-project.mjs'], { cwd: npmProject.dir, env: userEnv() });
  });

  it("with pnpm and the kv README's allowBuilds, and its quick start runs", async () => {
    const [allowBuilds] = readmeBlocks('packages/kv/README.md', 'yaml');
    const p = project('kv-pnpm');
    p.write('pnpm-workspace.yaml', allowBuilds ?? '');
    const store = join(p.dir, '.pnpm-store');
    await mustRun('npx', [...PNPM, 'add', '@agentdb/kv', '--store-dir', store], {
      cwd: p.dir,
      env: userEnv(),
    });
    expect(agentdbPackages(p.dir)).toEqual(['kv']); // pnpm links only direct dependencies at the top
    await runKvQuickStart(p);
  });

  it('types resolve under TypeScript 5 with moduleResolution node (node10), node16 and bundler', async () => {
    // TypeScript 5 still has `moduleResolution: node`, which ignores `exports` (TypeScript 7 dropped it).
    // skipLibCheck as most projects set it (lmdb's own declarations do not pass node16's checks); the
    // expected errors below fail to compile if any of our types were lost to \`any\`.
    await npm(['i', '--no-save', 'typescript@5.9.3', '@types/node@20'], npmProject.dir);
    npmProject.write(
      'consumer.ts',
      `import { Database, KVStore, type Value } from '@agentdb/kv';
import { manualClock } from '@agentdb/engine/testing';
import { Key } from '@agentdb/core';

export async function main(): Promise<Value | undefined> {
  // @ts-expect-error not a durability mode
  await Database.open({ durability: 'fast' });
  // @ts-expect-error a clock's start is a number
  manualClock('now');
  const db = await Database.open({ clock: manualClock() });
  const kv = new KVStore(db);
  await kv.put('run-1', 'n', 1);
  // @ts-expect-error a run id is a string: fails to compile if the types were lost (any)
  await kv.get(1, 'n');
  Key.kv('run-1', 'n');
  return kv.get('run-1', 'n');
}
`,
    );
    const settings = {
      node10: { module: 'commonjs', moduleResolution: 'node' },
      node16: { module: 'node16', moduleResolution: 'node16' },
      bundler: { module: 'esnext', moduleResolution: 'bundler' },
    };
    for (const [name, resolution] of Object.entries(settings)) {
      const config = {
        compilerOptions: {
          ...resolution,
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      };
      npmProject.write(`tsconfig.${name}.json`, JSON.stringify(config));
      const tsc = await run(
        process.execPath,
        ['node_modules/typescript/bin/tsc', '-p', `tsconfig.${name}.json`],
        {
          cwd: npmProject.dir,
          env: userEnv(),
        },
      );
      expect(`${tsc.stdout}${tsc.stderr}`, `moduleResolution ${name}`).toBe('');
      expect(tsc.code, `moduleResolution ${name}`).toBe(0);
    }
  });
});

describe('a user installs @agentdb/cli', () => {
  it('gets the agentdb command: its help, and the database the kv quick start wrote', async () => {
    const p = project('cli-npm');
    await npm(['i', '@agentdb/cli'], p.dir);
    const agentdb = join(p.dir, 'node_modules', '.bin', 'agentdb');
    const help = await mustRun(agentdb, ['--help'], { cwd: p.dir, env: userEnv() });
    expect(help.stdout).toContain('Usage: agentdb');
    const version = await mustRun(agentdb, ['--version'], { cwd: p.dir, env: userEnv() });
    expect(version.stdout.trim()).toBe(versionOf('@agentdb/cli'));
    const kvProject = projects.find((q) => q.dir.includes('agentdb-kv-npm-'));
    if (kvProject === undefined) throw new Error('the npm kv project is gone');
    const value = await mustRun(agentdb, [join(kvProject.dir, 'agent-data'), 'kv', 'run-1', 'get', 'plan'], {
      cwd: p.dir,
      env: userEnv(),
    });
    expect(value.stdout.trim()).toBe('["search","answer"]');
  });
});
