import { fork } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Key } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';

// LMDB's writer lock is a robust process-shared mutex: when its owner dies, the next process to lock it
// repairs the lock file from the newest meta page (mdb_mutex_failed). This is the case the multi-process
// kill runs exercise most; it must neither lose an acknowledged commit nor apply the dead writer's
// unfinished transaction.

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a writer killed while it holds the write lock', () => {
  it('loses nothing acknowledged, applies nothing of its own, and the others go on committing', async () => {
    const path = tempDir();
    const mark = `${path}.holding`;
    dirs.push(path, mark);
    const db = await Database.open({ path, sweepIntervalMs: 0 });
    for (let i = 0; i < 20; i++) await db.transaction((tx) => tx.put(Key.kv('r', `acked-${i}`), i));

    const holder = fork(fileURLToPath(new URL('./fixtures/lock-holder.mjs', import.meta.url)), [path, mark], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const end = Date.now() + 20_000;
    while (!existsSync(mark)) {
      if (Date.now() > end) throw new Error('the child never took the write lock');
      await new Promise((r) => setTimeout(r, 5));
    }
    // A commit now waits for the lock; killing its owner must let it through.
    const waiting = db.transaction((tx) => tx.put(Key.kv('r', 'after-kill'), 1));
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    await waiting;
    await db.transaction((tx) => tx.put(Key.kv('r', 'after-kill-2'), 2));
    await db.close();

    const reopened = await Database.open({ path, sweepIntervalMs: 0 });
    try {
      for (let i = 0; i < 20; i++) expect(await reopened.get(Key.kv('r', `acked-${i}`))).toBe(i);
      expect(await reopened.get(Key.kv('r', 'after-kill'))).toBe(1);
      expect(await reopened.get(Key.kv('r', 'after-kill-2'))).toBe(2);
      for (const name of ['never-acknowledged', 'scanned', 'blocker'])
        expect(await reopened.get(Key.kv('r', name))).toBeUndefined();
      expect((await reopened.verify()).problems).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
