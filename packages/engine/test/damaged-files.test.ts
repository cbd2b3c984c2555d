import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Key } from '@agentdb/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';

// LMDB trusts its files: a damaged data.mdb made the process die with SIGSEGV or SIGBUS. Each case
// opens the damaged directory in a child process, so a signal shows as a signal, not a lost worker.

const FIXTURE = fileURLToPath(new URL('./fixtures/open-damaged.mjs', import.meta.url));
const dirs: string[] = [];
let pristine: string;

beforeAll(async () => {
  pristine = tempDir();
  dirs.push(pristine);
  const db = await Database.open({ path: pristine, sweepIntervalMs: 0 });
  for (let i = 0; i < 200; i++) await db.transaction((tx) => tx.put(Key.kv('r', `k${i}`), 'x'.repeat(500)));
  await db.close();
});
afterEach(() => {
  for (const d of dirs.splice(1)) rmSync(d, { recursive: true, force: true });
});

function copy(): string {
  const dir = tempDir();
  dirs.push(dir);
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

function openInChild(dir: string): { opened: boolean; code?: string; message?: string } {
  const run = spawnSync(process.execPath, [FIXTURE, dir], { encoding: 'utf8', timeout: 30_000 });
  expect(run.signal, `the child died with ${run.signal}: ${run.stderr.slice(-500)}`).toBeNull();
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!);
}

const data = (dir: string) => join(dir, 'data.mdb');
const lock = (dir: string) => join(dir, 'lock.mdb');

describe('a damaged data.mdb is refused with CORRUPTION, never a crash', () => {
  it.each([
    ['zero-filled', (dir: string) => writeFileSync(data(dir), Buffer.alloc(64 * 1024, 0))],
    ['garbage', (dir: string) => writeFileSync(data(dir), Buffer.alloc(64 * 1024, 0xab))],
    ['truncated to half', (dir: string) => truncateSync(data(dir), Math.floor(statSync(data(dir)).size / 2))],
    ['truncated to one page', (dir: string) => truncateSync(data(dir), 4096)],
    ['truncated inside the first meta page', (dir: string) => truncateSync(data(dir), 100)],
    [
      'a meta page without its magic number',
      (dir: string) => {
        const bytes = readFileSync(data(dir));
        bytes.writeUInt32LE(bytes.readUInt32LE(4096 + 24) ^ 0xffffffff, 4096 + 24);
        writeFileSync(data(dir), bytes);
      },
    ],
    [
      'a tree root past the end of the file',
      (dir: string) => {
        const bytes = readFileSync(data(dir));
        for (const meta of [0, 4096]) bytes.writeBigUInt64LE(1n << 40n, meta + 96 + 40);
        writeFileSync(data(dir), bytes);
      },
    ],
  ])('%s', (_, damage) => {
    const dir = copy();
    damage(dir);
    expect(openInChild(dir)).toMatchObject({ opened: false, code: 'CORRUPTION' });
  });
});

describe('a damaged lock.mdb', () => {
  // The lock file holds no data: the first process to open the directory rebuilds it.
  it.each([
    ['zero-filled', (dir: string) => writeFileSync(lock(dir), Buffer.alloc(8192, 0))],
    ['garbage', (dir: string) => writeFileSync(lock(dir), Buffer.alloc(8192, 0xab))],
    ['truncated', (dir: string) => truncateSync(lock(dir), 10)],
    ['removed', (dir: string) => rmSync(lock(dir))],
  ])('%s: rebuilt on open, every entry still there', (_, damage) => {
    const dir = copy();
    damage(dir);
    expect(openInChild(dir)).toMatchObject({ opened: true, entries: 200, verifyOk: true });
  });
});
