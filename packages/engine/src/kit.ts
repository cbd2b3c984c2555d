/**
 * The engine's building blocks for other engines of the contract (`@agentdb/postgres`), exported as
 * `@agentdb/engine/kit`: argument checks, the stored-entry and commit-log byte layouts, the TTL clock,
 * in-process key locks, and the deadline and retry-backoff timing of transactions. Re-exports only, plus one adapter, so that a second engine checks keys,
 * values and options exactly as this one does and logs commits in the same format, without copies.
 * Not for applications: these may change with the engine.
 */
export {
  decodeLogEntry,
  LogEntryBuilder,
  type LoggedCommit,
  type LoggedWrite,
  toCommitRecord,
} from './commit-log.js';
export { backoff, sleep, timeoutError, withDeadline } from './deadline.js';
export { checkKey, keyId } from './key-bytes.js';
export { KeyLocks } from './key-locks.js';
export { runMutation } from './mutation-run.js';
export { checkScan, checkScanOptions, liveEntry } from './scan.js';
export { entryExpiry, entryValue, isExpired, packEntry } from './stored-entry.js';
export { TtlClock } from './ttl-clock.js';
export type { PendingWrite, ScanObservation } from './tx-state.js';
export {
  expiryOf,
  type PutContext,
  pendingDelete,
  /** Checks a put (key, value, options; nothing read twice) and builds its buffered write, exactly as `tx.put` does. */
  pendingPut as checkedPut,
} from './write-set.js';
