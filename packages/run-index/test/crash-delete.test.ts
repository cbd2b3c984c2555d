import { spawn } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Key, registerTypeTag, runRange } from '@agentdb/core';
import { Database } from '@agentdb/engine';
import { tempDir } from '@agentdb/engine/testing';
import { describe, expect, it } from 'vitest';
import { RunIndex } from '../src/index.js';
import { countIn, indexProblems } from './helpers.js';

const EXT = 0x10;
registerTypeTag(EXT, 'crashTestQueue');
const FIXTURE = fileURLToPath(new URL('./fixtures/crash-delete.mjs', import.meta.url));
const BIG_KEYS = 20_000;
const KID_KEYS = 1_000;
const SIBLING_KEYS = 500;

/** The i-th data key of a run, cycling through KV, Event, State, Trace and the extension tag. */
function dataKey(runId: string, i: number): Uint8Array {
  switch (i % 5) {
    case 0:
      return Key.kv(runId, `k${i}`);
    case 1:
      return Key.event(runId, i);
    case 2:
      return Key.state(runId, `s${i}`);
    case 3:
      return Key.trace(runId, 'trace', i);
    default:
      return Key.of(EXT, runId, 'msg', i);
  }
}

/** A database with run "big" (20,000 keys) and its child "big-kid", plus an unrelated sibling "big1". */
async function prepare(path: string): Promise<void> {
  const db = await Database.open({ path, durability: 'strict', sweepIntervalMs: 0 });
  const runs = new RunIndex(db);
  await runs.createRun({ runId: 'big', tags: ['load'] });
  await runs.createRun({ runId: 'big-kid', parentRunId: 'big', tags: ['load'] });
  await runs.createRun({ runId: 'big1', tags: ['load'] });
  const fill = async (runId: string, n: number) => {
    for (let start = 0; start < n; start += 5_000) {
      await db.transaction((tx) => {
        for (let i = start; i < Math.min(n, start + 5_000); i++)
          tx.put(dataKey(runId, i), { i, pad: 'x'.repeat(40) });
      });
    }
  };
  await fill('big', BIG_KEYS);
  await fill('big-kid', KID_KEYS);
  await fill('big1', SIBLING_KEYS);
  await db.close();
}

interface ChildOutcome {
  killed: boolean;
  deleteMs?: number;
}

/** Runs the delete in a child process and SIGKILLs it `killAfterMs` after it starts deleting (if given). */
function runChild(path: string, killAfterMs: number | undefined): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FIXTURE, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (killAfterMs !== undefined && timer === undefined && out.includes('deleting\n')) {
        timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const done = /deleted (\d+)/.exec(out);
      if (signal === 'SIGKILL')
        resolve(done === null ? { killed: true } : { killed: true, deleteMs: Number(done[1]) });
      else if (code === 0 && done !== null) resolve({ killed: false, deleteMs: Number(done[1]) });
      else reject(new Error(`child exited with ${code ?? signal}: ${err}`));
    });
  });
}

/** What survived of run "big" after reopening: all of it or none of it, with a clean store. */
async function inspect(path: string): Promise<'all' | 'none'> {
  const db = await Database.open({ path, durability: 'strict', sweepIntervalMs: 0 });
  try {
    const runs = new RunIndex(db);
    expect(await db.verify()).toStrictEqual({ ok: true, problems: [] });
    expect(await indexProblems(db)).toStrictEqual([]);
    // The sibling is never touched.
    expect(await countIn(db, runRange('big1'))).toBe(SIBLING_KEYS);
    expect(await runs.exists('big1')).toBe(true);
    const state = {
      big: await countIn(db, runRange('big')),
      kid: await countIn(db, runRange('big-kid')),
      records: [await runs.exists('big'), await runs.exists('big-kid')],
      tagged: (await runs.queryRuns({ tag: 'load' })).map((r) => r.runId),
      count: await runs.count(),
    };
    const all = {
      big: BIG_KEYS,
      kid: KID_KEYS,
      records: [true, true],
      tagged: ['big', 'big-kid', 'big1'],
      count: 3,
    };
    const none = { big: 0, kid: 0, records: [false, false], tagged: ['big1'], count: 1 };
    expect([all, none]).toContainEqual(state);
    return state.count === 3 ? 'all' : 'none';
  } finally {
    await db.close();
  }
}

describe('crash in the middle of a large deleteRun', () => {
  it('SIGKILL at random moments leaves all or nothing of the run, and a clean store', async () => {
    const template = tempDir();
    const dirs = [template];
    const copy = () => {
      const dir = tempDir();
      dirs.push(dir);
      cpSync(template, dir, { recursive: true }); // the template is closed: a plain copy is a snapshot
      return dir;
    };
    try {
      await prepare(template);
      // Calibrate: an uninterrupted delete in a child, which must remove everything.
      const calibration = copy();
      const { deleteMs } = await runChild(calibration, undefined);
      expect(await inspect(calibration)).toBe('none');
      // Bisect towards the moment the commit lands, so later kills hit the commit itself (the
      // interesting window), each time with a random jitter: before it the run must survive whole,
      // after it be gone whole; a delete the child saw acknowledged (strict) must never come back.
      const outcomes: string[] = [];
      let lo = 0;
      let hi = 2 * deleteMs!;
      for (let trial = 0; trial < 5; trial++) {
        const path = copy();
        const killAfterMs = Math.round(((lo + hi) / 2) * (0.9 + 0.2 * Math.random()));
        const outcome = await runChild(path, killAfterMs);
        const left = await inspect(path);
        if (outcome.deleteMs !== undefined) expect(left).toBe('none');
        if (left === 'all') lo = killAfterMs;
        else hi = killAfterMs;
        outcomes.push(`kill@${killAfterMs}ms → ${outcome.killed ? '' : 'finished, '}${left}`);
      }
      console.log(`deleteRun of ${BIG_KEYS + KID_KEYS} keys took ${deleteMs}ms; ${outcomes.join('; ')}`);
    } finally {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    }
  });
});
