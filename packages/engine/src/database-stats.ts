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
  durability: Durability;
  /** The database directory (the same as `location`). */
  path: string;
}
