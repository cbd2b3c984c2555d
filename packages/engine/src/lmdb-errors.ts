import { AgentDBError, isAgentDBError } from '@agentdb/core';

/**
 * Turns whatever lmdb-js or the file system threw into an `AgentDBError`, so that no raw `MDB_*` or
 * errno error crosses the public API. The original error is kept as `cause`; the message says what
 * happened in words and what the caller can do.
 */

/** LMDB error codes (lmdb.h) that mean the files are damaged rather than the operation failed. */
const CORRUPTION_CODES = new Map<number, string>([
  [-30796, 'MDB_CORRUPTED: a page of the database file is damaged'],
  [-30797, 'MDB_PAGE_NOTFOUND: the database file refers to a page that does not exist'],
  [-30793, 'MDB_INVALID: the file is not an LMDB database'],
  [-30794, 'MDB_VERSION_MISMATCH: the database file was written by an incompatible LMDB version'],
  [-30795, 'MDB_PANIC: LMDB hit a fatal error in this environment'],
]);

const READERS_FULL = -30790;

/** What to tell the caller for the storage failures worth a sentence of their own. */
const STORAGE_ADVICE = new Map<number | string, string>([
  [
    READERS_FULL,
    "LMDB's reader table is full (MDB_READERS_FULL): too many read snapshots are open at once. Finish " +
      'or break out of scans and transactions that are still open; readers of crashed processes are ' +
      'freed when a process next opens the directory',
  ],
  [-30792, 'the database map is full (MDB_MAP_FULL); free space by deleting data, or open it again'],
  [28, 'the disk is full (ENOSPC): free space on the device; reads keep working meanwhile'],
  ['ENOSPC', 'the disk is full (ENOSPC): free space on the device; reads keep working meanwhile'],
  [27, 'the file size limit was reached (EFBIG): raise the limit (ulimit -f) or free space in the database'],
  [5, 'an input/output error (EIO) from the device or file system'],
  [12, 'out of memory (ENOMEM)'],
  [13, 'permission denied (EACCES)'],
  [30, 'the file system is read-only (EROFS)'],
  [122, 'the disk quota is exceeded (EDQUOT)'],
]);

/**
 * `error` as an `AgentDBError`: `AgentDBError`s pass through; LMDB corruption codes become
 * `CORRUPTION`; everything else is `STORAGE`, its message starting with `doing` (what failed).
 *
 * @example
 * storageError(Object.assign(new Error('disk full'), { code: 'ENOSPC' }), 'writing').code; // 'STORAGE'
 */
export function storageError(error: unknown, doing: string): AgentDBError {
  if (isAgentDBError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'number' && CORRUPTION_CODES.has(code)) {
    return new AgentDBError('CORRUPTION', `${doing}: ${CORRUPTION_CODES.get(code)}`, { cause: error });
  }
  const advice = typeof code === 'number' || typeof code === 'string' ? STORAGE_ADVICE.get(code) : undefined;
  return new AgentDBError('STORAGE', `${doing}: ${advice ?? message}`, { cause: error });
}

/**
 * The error behind a failed lmdb-js commit. lmdb-js rejects a failed batch with a generic
 * "Commit failed (see commitError for details)" whose `commitError` is a promise of the real error
 * (ENOSPC, EIO …); this waits for that promise (also marking it handled).
 */
export async function commitFailure(error: unknown): Promise<unknown> {
  const detail = (error as { commitError?: unknown } | null)?.commitError;
  if (detail === undefined || typeof (detail as { then?: unknown }).then !== 'function') return error;
  try {
    await detail;
  } catch (real) {
    return real;
  }
  return error;
}

/** True when `error` (an `AgentDBError` from `storageError`) says LMDB's reader table is full. */
export function isReadersFull(error: unknown): boolean {
  return (error as { cause?: { code?: unknown } } | null)?.cause?.code === READERS_FULL;
}
