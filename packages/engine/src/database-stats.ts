import type { EngineStats } from './contract.js';
import type { Durability } from './options.js';

/** The LMDB engine's counters: the contract's, and its own. */
export interface DatabaseStats extends EngineStats {
  /** Attempts that waited because another transaction's claim covered a key they write (claims.ts). */
  claimWaits: number;
  /**
   * Write transactions that LMDB started from an older state than the newest commit, because another
   * process opened the directory during a commit; each was repaired before writing and run again
   * (README, "Durability").
   */
  staleStarts: number;
  /**
   * Commits made in-line on the calling thread: a transaction that was alone in its batch (its caller
   * awaits each commit), committed without a round trip through lmdb-js's write thread (README,
   * "Group commit").
   */
  inlineCommits: number;
  durability: Durability;
  /** The database directory (the same as `location`). */
  path: string;
}
