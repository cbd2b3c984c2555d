import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';

/** A refusal the user can act on: printed as its message alone, without a stack trace. */
export class DemoError extends Error {}

/** The files an AgentDB (LMDB) directory holds. */
const DATABASE_FILES = new Set(['data.mdb', 'lock.mdb']);

/**
 * Deletes the database in `dir` so the demo starts fresh. For safety it only deletes a directory that
 * holds nothing but database files (so `--reset --dir ~` cannot wipe a home directory); anything else
 * is refused with an error naming the unexpected files. A missing directory is already fresh.
 *
 * @example resetDatabaseDir('/tmp/agent-data') // true if something was deleted
 */
export function resetDatabaseDir(dir: string): boolean {
  if (!existsSync(dir)) return false;
  if (!statSync(dir).isDirectory()) throw new DemoError(`--reset: ${dir} is not a directory`);
  const foreign = readdirSync(dir).filter((f) => !DATABASE_FILES.has(f));
  if (foreign.length > 0) {
    throw new DemoError(
      `--reset: refusing to delete ${dir}: it holds files that are not part of an AgentDB database (${foreign
        .slice(0, 5)
        .join(', ')})`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  return true;
}
