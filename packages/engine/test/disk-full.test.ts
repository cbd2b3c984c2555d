import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';
import { collect } from './helpers.js';

// A full disk (or a file that may not grow) must reject the commit that hit it with STORAGE and leave
// the process and the database usable. The filling runs in a child process: a crash there (an unhandled
// rejection from lmdb-js killed the process before) shows as its exit code.

const FIXTURE = fileURLToPath(new URL('./fixtures/fill-disk.mjs', import.meta.url));
const dirs: string[] = [];
const mounts: string[] = [];
afterEach(() => {
  for (const m of mounts.splice(0)) spawnSync('umount', [m]);
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface FillResult {
  acked: number;
  failure?: { code: string; message: string; cause?: string | number };
  readBack: number;
  deleted: number;
  writtenAfter: number;
  verify: string[];
}

/** After the child: everything acknowledged is there, the chain is contiguous, verify() is clean. */
async function checkAfterwards(path: string, result: FillResult): Promise<void> {
  const db = await Database.open({ path, sweepIntervalMs: 0 });
  try {
    const head = (await db.get(Key.kv('r', 'head'))) as number;
    expect(head).toBe(result.acked + result.writtenAfter - 1);
    const events = await collect(db.scan({ start: Key.event('r', 0), end: Key.event('r', head + 1) }));
    expect(events.map((e) => e.key)).toEqual(Array.from({ length: head + 1 }, (_, i) => Key.event('r', i)));
    expect((await db.verify()).problems).toEqual([]);
    expect((await collect(db.scan(runRange('r')))).length).toBeGreaterThan(head);
  } finally {
    await db.close();
  }
}

function expectSurvived(result: FillResult): void {
  expect(result.acked).toBeGreaterThan(10);
  expect(result.failure).toMatchObject({ code: 'STORAGE' });
  expect(result.failure!.message).toMatch(/nothing of it was written/);
  expect(result.readBack).toBe(result.acked);
  expect(result.writtenAfter).toBe(10);
  expect(result.verify).toEqual([]);
}

describe('the disk is full', () => {
  it('a data file that may not grow (ulimit -f): STORAGE, reads go on, writes resume after deleting entries', async () => {
    const path = tempDir();
    dirs.push(path);
    const run = spawnSync(
      'bash',
      ['-c', `ulimit -f 2048 && exec "${process.execPath}" "${FIXTURE}" "${path}" delete`],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stderr).not.toMatch(/Unhandled|ERR_UNHANDLED_REJECTION/);
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as FillResult;
    expectSurvived(result);
    expect(result.failure!.message).toMatch(/EFBIG|file size limit|EIO|input\/output/i);
    expect(result.deleted).toBeGreaterThan(0);
    await checkAfterwards(path, result);
  });

  // A real full file system: a small tmpfs, where the machine lets us mount one (CI runs as root).
  const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.runIf(canMount)(
    'a full tmpfs (ENOSPC): STORAGE, reads go on, writes resume once space is freed',
    async () => {
      const mount = tempDir('agentdb-tmpfs-');
      dirs.push(mount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
      mounts.push(mount);
      const path = join(mount, 'db');
      mkdirSync(path);
      const filler = join(mount, 'filler');
      const s = statfsSync(mount);
      writeFileSync(filler, Buffer.alloc(Math.max(0, Number(s.bavail) * Number(s.bsize) - 3 * 1024 * 1024)));
      const run = spawnSync(process.execPath, [FIXTURE, path, 'file', filler], { encoding: 'utf8' });
      expect(run.stderr).not.toMatch(/Unhandled|ERR_UNHANDLED_REJECTION/);
      expect(run.status).toBe(0);
      const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as FillResult;
      expectSurvived(result);
      expect(result.failure!.message).toMatch(/ENOSPC|disk is full/);
      await checkAfterwards(path, result);
    },
  );
});
