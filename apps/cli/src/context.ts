import { statSync } from 'node:fs';
import { PostgresDatabase } from '@agentdb/postgres';
import { AgentDB, type Clock } from '@agentdb/primitives';
import { CliError } from './errors.js';
import type { Output } from './output.js';

/** What every command gets: the database, where to print, and the process's input. */
export interface CommandContext {
  /**
   * The database as messages name it: the directory given as the first argument, or a PostgreSQL
   * URL without its password.
   */
  dir: string;
  /** The first argument as given: a directory, or a `postgres://` URL (password included). */
  target: string;
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

/** True when the first argument names a PostgreSQL database rather than a directory. */
export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//.test(target);
}

/**
 * How messages name `target`: a URL loses its password (it may be in the argument, never in output).
 *
 * @example
 * displayName('postgres://agent:secret@db:5432/agents') // 'postgres://agent@db:5432/agents'
 */
export function displayName(target: string): string {
  if (!isPostgresUrl(target)) return target;
  try {
    const url = new URL(target);
    url.password = '';
    return url.href;
  } catch {
    return target.replace(/:[^:@/]*@/, '@');
  }
}

/**
 * Opens the database named by `ctx.target` (a directory, or a `postgres://` URL whose `?schema=`
 * picks the schema), runs `fn`, and closes it whatever happens.
 *
 * @example
 * await withDatabase(ctx, { kind: 'read' }, async (db) => db.runs.count());
 */
export async function withDatabase<T>(
  ctx: CommandContext,
  mode: OpenMode,
  fn: (db: AgentDB) => Promise<T>,
): Promise<T> {
  const db = await open(ctx.target, mode);
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

async function open(dir: string, mode: OpenMode): Promise<AgentDB> {
  if (isPostgresUrl(dir)) {
    // Reading never creates tables: a schema without them is NOT_FOUND. No sweeper: a CLI run is short.
    const engine = await PostgresDatabase.open({
      connectionString: dir,
      create: mode.kind === 'write',
      sweepIntervalMs: 0,
      ...(mode.kind === 'write' && mode.clock !== undefined ? { clock: mode.clock } : {}),
    });
    return new AgentDB(engine);
  }
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
