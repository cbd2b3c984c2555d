import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Key } from '@agentdb/core';
import { Database } from '@agentdb/engine';
import { tempDir } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import { TraceStore } from '../src/index.js';
import { indexProblems } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.mjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const RUN = 'crash-run';

/** Starts the writer and resolves with the ids it acknowledged once at least `atLeast` are, after SIGKILL. */
function runAndKill(path: string, atLeast: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [WRITER, path, RUN], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!killed && out.split('\n').length > atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited on its own: ${err}`));
      // Only complete lines were acknowledged.
      else resolve(out.split('\n').slice(0, -1));
    });
  });
}

describe('crash safety', () => {
  it('after SIGKILL mid-writes, every acknowledged trace is there and every index agrees with the records', async () => {
    expect(existsSync(BUILT), 'build the package first (npx tsc -p tsconfig.build.json)').toBe(true);
    const path = tempDir();
    for (const round of [1, 2]) {
      const acked = await runAndKill(path, 150 * round);
      const db = await Database.open({ path, durability: 'strict', sweepIntervalMs: 0 });
      try {
        const traces = new TraceStore(db);
        for (const id of acked) expect(await traces.exists(RUN, id), `acknowledged ${id}`).toBe(true);
        expect(await indexProblems(db, RUN)).toEqual([]);
        const count = await traces.count(RUN);
        expect(count).toBeGreaterThanOrEqual(acked.length);
        expect((await traces.list(RUN)).length).toBe(count);
        expect((await traces.queryByTag(RUN, 'all')).length).toBe(count);
        expect((await db.verify()).ok).toBe(true);
        if (round === 2) {
          // The check is not vacuous: dropping one index entry is reported.
          await db.transaction(async (tx) => {
            tx.delete(Key.trace(RUN, 'tag', 'all', (await traces.get(RUN, acked[0]!))!.timestamp, acked[0]!));
          });
          expect(await indexProblems(db, RUN)).toEqual([
            expect.stringMatching(/missing index entry \["tag","all"/),
          ]);
        }
      } finally {
        await db.close();
      }
    }
  });
});
