export type { CommitRecord, CommitWrite } from './commit-log.js';
export { type ChangesOptions, Database, type EngineStats, type TransactionOptions } from './database.js';
export { MutationHandle } from './mutation-handle.js';
export type { DatabaseOptions, Durability, WalRetention } from './options.js';
export { bindView, checkDatabase } from './primitive-binding.js';
export type { ReadSource } from './read-source.js';
export type {
  Entry,
  MutationContext,
  MutationFn,
  PutOptions,
  ScanEntry,
  ScanOptions,
} from './transaction.js';
export { Transaction } from './transaction.js';
