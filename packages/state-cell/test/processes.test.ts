import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StateCell } from '../src/index.js';
import { highWaterKey } from '../src/layout.js';
import { type CellFixture, openCells } from './helpers.js';

/*
 * Real OS processes on one directory, through the built package (dist/): two writers incrementing
 * one counter, and a writer killed with SIGKILL mid-stream.
 */

const script = fileURLToPath(new URL('./fixtures/counter.mjs', import.meta.url));
const run = 'run-proc';
let f: CellFixture | undefined;

beforeAll(async () => {
  // The fixtures import ../../dist: make sure it is the current source.
  const build = spawn('npx', ['tsc', '-p', 'tsconfig.build.json'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
  });
  const code = await new Promise((resolve) => build.on('exit', resolve));
  expect(code).toBe(0);
});
afterEach(async () => {
  await f?.t.dispose();
  f = undefined;
});

function counter(
  path: string,
  n: number,
  flipEvery = 0,
): { child: ChildProcess; lines: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [script, path, run, String(n), String(flipEvery)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let partial = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

describe('across processes', () => {
  it('two processes incrementing one counter with transition lose no update', async () => {
    f = await openCells();
    await f.db.close(); // the children own the directory; the parent reopens to check
    const a = counter(f.t.path, 150);
    const b = counter(f.t.path, 150);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const db = await f.t.reopen();
    f.db = db;
    expect(await new StateCell(db).read(run, 'counter')).toMatchObject({ value: 300, version: 300 });
    const acks = [...a.lines, ...b.lines]
      .filter((l) => l.startsWith('ack '))
      .map((l) => Number(l.split(' ')[1]));
    expect(acks.sort((x, y) => x - y)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('after SIGKILL mid-stream every acknowledged write is there and versions stay consistent', async () => {
    f = await openCells();
    await f.db.close();
    const w = counter(f.t.path, 100_000, 7);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (w.lines.length >= 200) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    w.child.kill('SIGKILL');
    await w.exited;
    const acked = w.lines.filter((l) => l.startsWith('ack '));
    const lastAck = Number(acked.at(-1)!.split(' ')[1]);
    const lastFlip = Math.max(...acked.filter((l) => l.includes('flip')).map((l) => Number(l.split(' ')[3])));

    const db = await f.t.reopen();
    f.db = db;
    const state = new StateCell(db);
    const c = await state.read(run, 'counter');
    // Strict durability: nothing acknowledged is lost; one version per increment, so value = version.
    expect(c!.value as number).toBeGreaterThanOrEqual(lastAck);
    expect(c!.version).toBe(c!.value);
    // The flip cell is live or its high-water mark is (never both, never neither), at ≥ the last ack.
    const flip = await state.read(run, 'flip');
    const mark = await db.get(highWaterKey(run, 'flip'));
    expect((flip === undefined) !== (mark === undefined)).toBe(true);
    expect(flip?.version ?? (mark as number)).toBeGreaterThanOrEqual(lastFlip);
    // And the next re-creation still continues above it.
    const before = flip?.version ?? (mark as number);
    await state.delete(run, 'flip');
    expect(await state.init(run, 'flip', 'again')).toBe(before + 1);
    expect((await db.verify()).ok).toBe(true);
  });
});
