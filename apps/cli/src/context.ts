import { statSync } from 'node:fs';
import { AgentDB, type Clock } from '@agentdb/primitives';
import { CliError } from './errors.js';
import type { Output } from './output.js';

/** What every command gets: the database directory, where to print, and the process's input. */
export interface CommandContext {
  /** The database directory given as the first argument. */
  dir: string;
  out: Output;
  /** Notes for the user that are not the command's result (stderr). */
  note(line: string): void;
  stdin: NodeJS.ReadableStream;
  /**
   * A signal aborted on SIGINT/SIGTERM, so `--follow` ends cleanly. Only commands that ask for it
   * catch those signals; any other command is simply killed by them.
   */
  interrupted(): AbortSignal;
}

/** How a command opens the database. */
export type OpenMode =
  /** Read-only LMDB environment: safe beside a live agent process; the directory must hold a database. */
  | { kind: 'read' }
  /** Read-write (import); creates the database if the directory has none. */
  | { kind: 'write'; clock?: Clock };

/**
 * Opens the database in `ctx.dir`, runs `fn`, and closes it whatever happens.
 *
 * @example
 * await withDatabase(ctx, { kind: 'read' }, async (db) => db.runs.count());
 */
export async function withDatabase<T>(
  ctx: CommandContext,
  mode: OpenMode,
  fn: (db: AgentDB) => Promise<T>,
): Promise<T> {
  const db = await open(ctx.dir, mode);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function open(dir: string, mode: OpenMode): Promise<AgentDB> {
  if (mode.kind === 'read') {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(dir).isDirectory();
    } catch {
      throw new CliError(`no such directory: ${dir}`);
    }
    if (!isDirectory) throw new CliError(`not a directory: ${dir}`);
  }
  // A directory without a database is refused by the engine (NOT_FOUND) in read-only mode.
  return mode.kind === 'read'
    ? // readOnly refuses every write; 'buffered' because a read-only open never commits anyway.
      AgentDB.open({ path: dir, readOnly: true, durability: 'buffered', sweepIntervalMs: 0 })
    : AgentDB.open({
        path: dir,
        durability: 'strict',
        sweepIntervalMs: 0,
        ...(mode.clock === undefined ? {} : { clock: mode.clock }),
      });
}
