import { spawn, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Runs `Database.open` on `path` in a child with a hard time limit (a hang must not hang the suite). */
function openElsewhere(path: string): { status: number | null; signal: NodeJS.Signals | null; out: string } {
  const engine = new URL('../dist/index.js', import.meta.url).href;
  const run = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { Database } = await import(${JSON.stringify(engine)});
       try { await Database.open({ path: ${JSON.stringify(path)} }); console.log('opened'); }
       catch (e) { console.log(e.code + ' ' + e.message); }`,
    ],
    { encoding: 'utf8', timeout: 10_000 },
  );
  return { status: run.status, signal: run.signal, out: run.stdout.trim() };
}

describe('opening never hangs', () => {
  it('a path under /proc is refused with STORAGE naming it, at once', () => {
    const run = openElsewhere('/proc/nope/x');
    expect(run.signal).toBeNull(); // SIGTERM here means the 10 s limit killed a hang
    expect(run.out).toMatch(/^STORAGE .*\/proc\/nope\/x/);
  });

  it('a path through a regular file is refused with STORAGE', async () => {
    const dir = tempDir();
    dirs.push(dir);
    writeFileSync(join(dir, 'file'), 'x');
    await expect(Database.open({ path: join(dir, 'file', 'db') })).rejects.toMatchObject({
      code: 'STORAGE',
      message: expect.stringMatching(/not a directory/),
    });
  });

  it('missing parents are created', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = await Database.open({ path: join(dir, 'a', 'b', 'c') });
    await db.close();
    expect(existsSync(join(dir, 'a', 'b', 'c', 'data.mdb'))).toBe(true);
  });
});

describe('memory databases', () => {
  const fixture = fileURLToPath(new URL('./fixtures/open-memory.mjs', import.meta.url));

  it("a crashed process's temporary directory is removed by the next memory database opened", async () => {
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const path = await new Promise<string>((resolve) => {
      child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(d.trim()));
    });
    expect(existsSync(path)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(existsSync(path)).toBe(true); // a crash cannot run close()
    const next = spawnSync(process.execPath, [fixture, 'close'], { encoding: 'utf8' });
    expect(next.status).toBe(0);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(next.stdout.trim())).toBe(false); // and its own went on close
  });

  it('the directory of a live process is left alone', async () => {
    const db = await Database.open();
    const next = spawnSync(process.execPath, [fixture, 'close'], { encoding: 'utf8' });
    expect(next.status).toBe(0);
    expect(existsSync(db.path)).toBe(true);
    await db.close();
    expect(existsSync(db.path)).toBe(false);
  });
});
