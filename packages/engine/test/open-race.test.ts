import { execFileSync, fork } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Key } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';

// LMDB publishes the newest transaction id into the shared lock file when an environment is opened,
// without holding the writer lock (ITS#9496; the LMDB inside lmdb-js 3.x still has it). A commit
// landing between the opener's read of the meta pages and that publication leaves the lock file
// naming the state before the commit, and the next write transaction, in any process, starts from
// there: the acknowledged commit is overwritten. These tests force that interleaving.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Compiles test/fixtures/slow-open.c (the pread delay) into a shared object for LD_PRELOAD. */
function buildSlowOpenShim(): string {
  const dir = tempDir('agentdb-shim-');
  dirs.push(dir);
  const out = join(dir, 'slow-open.so');
  const source = fileURLToPath(new URL('./fixtures/slow-open.c', import.meta.url));
  try {
    execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', out, source, '-ldl'], { stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `this test compiles a small LD_PRELOAD shim and needs a C compiler: install one (apt-get install -y gcc). ${String(error)}`,
    );
  }
  return out;
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('a process opening the directory while another commits', () => {
  // The opener is an AgentDB writer (whose open repairs what it published) or a read-only one like the
  // CLI (which cannot write: the next writer anywhere must notice and repair).
  it.each([
    ['a writer opens and then commits', 'writer', 'opener'],
    ['a writer opens and the committer commits again', 'writer', 'committer'],
    ['a read-only process opens and the committer commits again', 'readOnly', 'committer'],
  ] as const)('an acknowledged commit survives when %s', async (_, openerMode, next) => {
    const path = tempDir();
    dirs.push(path);
    const shim = buildSlowOpenShim();
    const mark = join(path, '..', `${path.split('/').pop()}-opening`);
    dirs.push(mark);
    const db = await Database.open({ path, sweepIntervalMs: 0 });
    await db.transaction((tx) => tx.put(Key.kv('r', 'before'), 1));

    // The opener reads the meta pages, then sleeps inside LMDB's open before publishing what it read.
    const opener = fork(
      fileURLToPath(new URL('./fixtures/opener.mjs', import.meta.url)),
      [path, openerMode],
      {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, LD_PRELOAD: shim, AGENTDB_SLOW_OPEN_MS: '1500', AGENTDB_SLOW_OPEN_MARK: mark },
      },
    );
    let opened = false;
    let committed = false;
    opener.on('message', (m: { opened?: boolean; committed?: boolean }) => {
      if (m.opened) opened = true;
      if (m.committed) committed = true;
    });
    try {
      await until(() => existsSync(mark), 'the opener to read the meta pages');
      // Committed and acknowledged (strict: on disk) while the opener is between its read and its write.
      await db.transaction((tx) => tx.put(Key.kv('r', 'acknowledged'), 2));
      expect(opened).toBe(false);
      await until(() => opened, 'the opener to finish opening');
      // The next commit, from either process, must start from the newest state, not the one the opener
      // read. (The opener has never seen the acknowledged commit; the committer has.)
      if (next === 'opener') {
        opener.send('commit');
        await until(() => committed, 'the opener to commit');
      } else {
        await db.transaction((tx) => tx.put(Key.kv('r', 'after'), 3));
        // Nobody repaired the read-only opener's stale publication before this commit: it did.
        if (openerMode === 'readOnly') expect(db.stats().staleStarts).toBe(1);
      }
      expect(await db.get(Key.kv('r', 'acknowledged'))).toBe(2);
    } finally {
      opener.send('close');
      await new Promise((r) => opener.once('exit', r));
      await db.close();
    }
    const reopened = await Database.open({ path, sweepIntervalMs: 0 });
    try {
      for (const [name, value] of [
        ['before', 1],
        ['acknowledged', 2],
        ['after', 3],
      ] as const) {
        expect(await reopened.get(Key.kv('r', name))).toBe(value);
      }
      expect((await reopened.verify()).problems).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
