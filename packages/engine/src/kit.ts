/**
 * The engine's building blocks for other engines of the contract (`@agentdb/postgres`), exported as
 * `@agentdb/engine/kit`: argument checks, the stored-entry and commit-log byte layouts, the TTL clock
 * and in-process key locks. Re-exports only, plus one adapter, so that a second engine checks keys,
 * values and options exactly as this one does and logs commits in the same format, without copies.
 * Not for applications: these may change with the engine.
 */
import type { PutOptions } from './contract.js';
import { type PendingWrite, pendingPut, type TxContext } from './transaction.js';

export {
  decodeLogEntry,
  LogEntryBuilder,
  type LoggedCommit,
  type LoggedWrite,
  toCommitRecord,
} from './commit-log.js';
export { checkKey, keyId } from './key-bytes.js';
export { KeyLocks } from './key-locks.js';
export { entryExpiry, entryValue, isExpired, packEntry } from './stored-entry.js';
export {
  checkScan,
  checkScanOptions,
  expiryOf,
  liveEntry,
  type PendingWrite,
  pendingDelete,
  type ScanObservation,
} from './transaction.js';
export { TtlClock } from './ttl-clock.js';

/** What checking a put needs from its engine: the TTL time and the value limits. */
export type PutContext = Pick<TxContext, 'ttlNow' | 'encodeOptions'>;

/**
 * Checks a put (key, value, options; nothing read twice) and builds its buffered write, exactly as
 * `tx.put` does: `INVALID_ARGUMENT` / `INVALID_VALUE` before anything is buffered.
 *
 * @example
 * const write = checkedPut(key, value, { ttlMs: 1000 }, { ttlNow, encodeOptions });
 */
export function checkedPut(
  key: unknown,
  value: unknown,
  opts: PutOptions | undefined,
  ctx: PutContext,
): PendingWrite {
  // pendingPut reads only these two members of its context.
  return pendingPut(key, value, opts, ctx as TxContext);
}
