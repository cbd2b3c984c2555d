import type { Budget } from './measure.js';

/** The sizes and time budgets of one bench run. */
export interface BenchConfig {
  mode: 'quick' | 'full' | 'tiny';
  /** Concurrent operations per iteration of the "in flight" workloads (DESIGN.md §5: 1,000). */
  inFlight: number;
  /** Hot keys read per iteration of the get workload. */
  hotKeys: number;
  /** Awaited commits per iteration of the sequential-commit workload. */
  sequentialCommits: number;
  /** Operations per iteration for a better-sqlite3 baseline that commits (fsyncs) every operation. */
  sqlitePerOpCommits: number;
  /** Data sizes of the scaling workloads (records of the queried kind). */
  scalingSizes: number[];
  /** Matches every scaling query returns, at every size. */
  scalingMatches: number;
  /** Log lengths at which event append is measured. */
  appendLengths: number[];
  /** Records written per transaction when filling a database (buffered). */
  fillBatch: number;
  /** Memory workload (a child process per primitive), or undefined to skip it. */
  memory: { records: number; step: number; batch: number } | undefined;
  budget: Budget;
}

/** `--quick`: every §5 workload at reduced sizes, in well under a minute (CI, README). */
export const QUICK: BenchConfig = {
  mode: 'quick',
  inFlight: 1000,
  hotKeys: 1000,
  sequentialCommits: 20,
  sqlitePerOpCommits: 50,
  // Reduced so filling stays within the minute; the full run uses 100K and a 1M-event log.
  scalingSizes: [1_000, 10_000],
  scalingMatches: 100,
  appendLengths: [1_000, 10_000],
  fillBatch: 5_000,
  memory: undefined,
  budget: { minTimeMs: 400, minSamples: 6, warmupMs: 100 },
};

/** Every workload of DESIGN.md §5, the 1M-event log and the memory rows included. */
export const FULL: BenchConfig = {
  ...QUICK,
  mode: 'full',
  sequentialCommits: 50,
  sqlitePerOpCommits: 100,
  scalingSizes: [1_000, 100_000],
  appendLengths: [1_000, 1_000_000],
  memory: { records: 1_000_000, step: 100_000, batch: 10_000 },
  budget: { minTimeMs: 2_000, minSamples: 12, warmupMs: 300 },
};

/** Tiny sizes for the test suite: checks wiring and result shape, not speed. */
export const TINY: BenchConfig = {
  mode: 'tiny',
  inFlight: 20,
  hotKeys: 20,
  sequentialCommits: 3,
  sqlitePerOpCommits: 3,
  scalingSizes: [50, 200],
  scalingMatches: 5,
  appendLengths: [10, 100],
  fillBatch: 100,
  memory: undefined,
  budget: { minTimeMs: 1, minSamples: 2, warmupMs: 0 },
};
