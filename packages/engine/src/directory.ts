import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AgentDBError } from '@agentdb/core';

/**
 * Creates `path` and its missing parents, one level at a time. Node 20's `mkdirSync(path,
 * { recursive: true })` spins forever at full CPU when a parent cannot hold directories (anything
 * under `/proc`), so each level is made by hand and the first failure is reported with its path.
 *
 * @example
 * ensureDirectory('./agent-data');
 */
export function ensureDirectory(path: string): void {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(p).isDirectory();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw cannotCreate(path, p, error);
      missing.push(p);
      if (dirname(p) === p) break;
      continue;
    }
    if (!isDirectory) throw cannotCreate(path, p, new Error('it is not a directory'));
    break;
  }
  for (const p of missing.reverse()) {
    try {
      mkdirSync(p);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(path, p, error);
    }
  }
}

function cannotCreate(path: string, at: string, cause: unknown): AgentDBError {
  const code = (cause as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOTDIR'
      ? 'a part of the path is not a directory (ENOTDIR)'
      : (code ?? (cause as Error).message);
  return new AgentDBError('STORAGE', `cannot create the database directory ${path}: ${at}: ${reason}`, {
    cause,
  });
}

const MEMORY_PREFIX = 'agentdb-mem-';
let sweptLeftovers = false;

/**
 * A new temporary directory for a `memory` database, named after this process. The first call in a
 * process also removes the directories of memory databases whose process died without closing them
 * (a crash cannot run `close()`); directories of live processes are left alone.
 *
 * @example
 * const dir = memoryDirectory(); // removed by close()
 */
export function memoryDirectory(): string {
  if (!sweptLeftovers) {
    sweptLeftovers = true;
    removeLeftovers();
  }
  return mkdtempSync(join(tmpdir(), `${MEMORY_PREFIX}${process.pid}-`));
}

function removeLeftovers(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(MEMORY_PREFIX)) continue;
    const pid = Number(name.slice(MEMORY_PREFIX.length).split('-')[0]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || alive(pid)) continue;
    rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
