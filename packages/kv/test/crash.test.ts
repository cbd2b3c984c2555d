import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Database } from '@agentdb/engine';
import { tempDir } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import { KVStore } from '../src/index.js';

const RUN = 'crash-run';
const WRITER = fileURLToPath(new URL('./fixtures/kv-writer.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Runs the writer until it has acknowledged `acks` operations, then SIGKILLs it mid-stream. */
function runWriterUntil(path: string, acks: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, path, RUN], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      lines.push(...parts);
      if (lines.length >= acks && child.exitCode === null) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(lines);
      else reject(new Error(`writer exited without being killed: ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it('after SIGKILL mid-write every acknowledged write is there and no transaction is half-applied', async () => {
    expect(existsSync(BUILT), 'build the package first (npx tsc -p tsconfig.build.json)').toBe(true);
    const path = tempDir();
    try {
      const lines = await runWriterUntil(path, 600);
      const acked = (kind: string) =>
        lines.filter((l) => l.startsWith(`${kind} `)).map((l) => Number(l.slice(kind.length + 1)));

      const db = await Database.open({ path, durability: 'strict', sweepIntervalMs: 0 });
      try {
        const kv = new KVStore(db);
        expect(acked('pair').length).toBeGreaterThan(100); // the kill came mid-stream, not at the start
        const deleted = new Set(acked('deleted'));
        const deleting = new Set(acked('deleting'));
        for (const i of acked('pair')) {
          expect(await kv.getMany(RUN, [`pair:${i}:a`, `pair:${i}:b`])).toStrictEqual([
            { i, side: 'a' },
            { i, side: 'b' },
          ]);
        }
        for (const i of acked('single')) {
          const value = await kv.get(RUN, `single:${i}`);
          // A delete that started but was not acknowledged may or may not have committed.
          if (deleted.has(i)) expect(value, `single:${i}`).toBeUndefined();
          else if (deleting.has(i)) expect([i, undefined], `single:${i}`).toContainEqual(value);
          else expect(value, `single:${i}`).toBe(i);
        }
        // Atomicity over everything that reached the disk, acknowledged or not.
        const pairs = await kv.list(RUN, { prefix: 'pair:' });
        const ids = new Set(pairs.map((k) => k.split(':')[1]));
        for (const id of ids) expect(pairs.filter((k) => k.startsWith(`pair:${id}:`))).toHaveLength(2);
        expect(ids.size).toBeGreaterThanOrEqual(acked('pair').length);
        expect(await db.verify()).toStrictEqual({ ok: true, problems: [] });
      } finally {
        await db.close();
      }
    } finally {
      rmSync(path, { recursive: true, force: true });
    }
  });
});
