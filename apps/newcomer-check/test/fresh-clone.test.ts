import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../../tooling/workspace-build.mjs';
import { mustRun, userEnv } from '../src/processes.js';
import { commandsOf, readmeBlocks } from '../src/scratch.js';

// The README's path, as a newcomer walks it: a fresh clone of this repository's HEAD (in CI, the
// commit under test), then the commands exactly as the READMEs write them.

const SETUP_TIMEOUT = 10 * 60_000;
let base: string;
let clone: string;
let env: NodeJS.ProcessEnv;

/** Runs one README command line with bash in the clone; throws with its output if it fails. */
function sh(command: string) {
  return mustRun('bash', ['-c', command], { cwd: clone, env });
}

/** The one line of `readme` in backticks that starts with `prefix`. */
function inlineCommand(readme: string, prefix: string): string {
  const prose = readFileSync(join(ROOT, readme), 'utf8').replace(/^```[\s\S]*?^```$/gm, '');
  const found = [...prose.matchAll(/`([^`]+)`/g)]
    .map((m) => (m[1] ?? '').replace(/\s+/g, ' '))
    .find((code) => code.startsWith(prefix));
  if (found === undefined) throw new Error(`${readme} shows no \`${prefix}…\` command`);
  return found;
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'agentdb-fresh-clone-'));
  clone = join(base, 'agentdb');
  await mustRun('git', ['clone', '--quiet', ROOT, clone]);
  // The CLI README writes `pnpm …`; where pnpm is not installed, a newcomer gets it through npx.
  const bin = join(base, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'pnpm'), '#!/bin/sh\nexec npx --yes pnpm@12.4.2 "$@"\n');
  chmodSync(join(bin, 'pnpm'), 0o755);
  env = userEnv({ PATH: `${bin}:${process.env.PATH ?? ''}`, TURBO_TELEMETRY_DISABLED: '1' });
}, SETUP_TIMEOUT);

afterAll(() => {
  if (base !== undefined) rmSync(base, { recursive: true, force: true });
});

describe('a fresh clone', () => {
  it("tests one package alone, before anything is built, with the README's command", async () => {
    await sh('npx --yes pnpm@12.4.2 install');
    const command = inlineCommand('README.md', 'pnpm --filter @agentdb/kv test');
    expect(command).toBe('pnpm --filter @agentdb/kv test');
    const { stdout, stderr } = await sh(command);
    // The shared setup built what kv's tests import: nothing was built before.
    expect(stderr).toContain('building @agentdb/core');
    expect(stripVTControlCharacters(stdout)).toMatch(/Test Files\s+\d+ passed \(\d+\)/);
  });

  it('runs the quick start: install and the demo', async () => {
    const [install] = readmeBlocks('README.md', 'sh', { under: '## Quick start' });
    const commands = commandsOf(install ?? '');
    expect(commands).toEqual(['npx --yes pnpm@12.4.2 install && npx --yes pnpm@12.4.2 run demo']);
    const { stdout } = await sh(commands[0] ?? '');
    expect(stdout).toContain('AgentDB demo');
  });

  it("opens the demo's database in the viewer, as the quick start says", async () => {
    const [, viewer] = readmeBlocks('README.md', 'sh', { under: '## Quick start' });
    const [command] = commandsOf(viewer ?? '');
    expect(command).toBe('npx --yes pnpm@12.4.2 agentdb apps/demo/agent-data ui');
    // The README's command on a free port (7077 may be taken on a shared machine).
    const child = spawn('bash', ['-c', `exec ${command} --port 0`], { cwd: clone, env, detached: true });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk;
          const found = /AgentDB viewer on (http:\/\/\S+)/.exec(out);
          if (found?.[1] !== undefined) resolve(found[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => {
          out += chunk;
        });
        child.on('exit', (code) => reject(new Error(`the viewer exited ${code}:\n${out}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('AgentDB');
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    }
  });

  it("runs the README's CLI section", async () => {
    const [block] = readmeBlocks('README.md', 'sh', { under: '## The CLI: `agentdb`' });
    const [runs, verify, help] = commandsOf(block ?? '');
    expect(runs).toBe('npx --yes pnpm@12.4.2 agentdb apps/demo/agent-data runs');
    expect((await sh(runs ?? '')).stdout).toMatch(/^RUN\s+STATUS/m);
    expect((await sh(verify ?? '')).stdout).toMatch(/^ok\s+engine: data against the commit log/m);
    expect((await sh(help ?? '')).stdout).toContain('Usage: agentdb <dir> runs');
  });

  it("runs the CLI README's commands", async () => {
    const [block] = readmeBlocks('apps/cli/README.md', 'sh');
    const commands = commandsOf(block ?? '');
    expect(commands).toContain('pnpm agentdb apps/demo/agent-data runs');
    for (const command of commands) await sh(command);
    // "To build it once and run the binary yourself": the build, then the binary.
    await sh(inlineCommand('apps/cli/README.md', 'pnpm build --filter=@agentdb/cli...'));
    const binary = inlineCommand('apps/cli/README.md', 'node apps/cli/dist/main.js');
    expect(binary).toBe('node apps/cli/dist/main.js <dir> <command>');
    const stats = await sh(binary.replace('<dir> <command>', 'apps/demo/agent-data stats'));
    expect(stats.stdout).toContain('apps/demo/agent-data');
  });
});
