import type { BenchConfig } from './config.js';

/** What every workload gets: the sizes/budget of this run and a progress logger. */
export interface BenchContext {
  cfg: BenchConfig;
  /** Progress lines (stderr in the CLI, silent in tests). */
  log: (message: string) => void;
}
