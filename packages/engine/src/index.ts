export type { CommitRecord, CommitWrite } from './commit-log.js';
export {
  type ChangesOptions,
  CONTRACT_VERSION,
  ENGINE,
  ENGINE_TRANSACTION,
  type Engine,
  type EngineStats,
  type EngineTransaction,
  type Entry,
  isEngine,
  isEngineTransaction,
  type MutationContext,
  type MutationFn,
  type PutOptions,
  type ReadSource,
  type ScanEntry,
  type ScanOptions,
  type TransactionOptions,
  type Verification,
} from './contract.js';
export { Database } from './database.js';
export type { DatabaseStats } from './database-stats.js';
export { MutationHandle } from './mutation-handle.js';
export type { DatabaseOptions, Durability, WalRetention } from './options.js';
export { bindView, checkDatabase } from './primitive-binding.js';
export { Transaction } from './transaction.js';
