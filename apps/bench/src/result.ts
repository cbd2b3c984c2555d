import type { Durability } from '@agentdb/primitives';

/**
 * One measured row of `results/latest.json`. A workload measured against several baselines gives one
 * row per baseline; `target`/`met` are set only on the row a target judges (docs/architecture.md) (null elsewhere).
 */
export interface BenchResult {
  /** What was measured, e.g. `KV put, 1,000 in flight`. */
  workload: string;
  /** AgentDB operations per second (median iteration). For scaling rows: queries per second. */
  opsPerSec: number;
  /** What the row compares against, or null for absolute targets. */
  baseline: string | null;
  baselineOpsPerSec: number | null;
  /** opsPerSec ÷ baselineOpsPerSec (higher is better for AgentDB). */
  ratio: number | null;
  /** The target this row checks, in words; null for informational rows. */
  target: string | null;
  /** Whether the target held in this run; null when the row has no target. */
  met: boolean | null;
  /** Records already stored in the measured run/database when measured. */
  dataSize: number;
  /** Durability of the measured AgentDB database. */
  durability: Durability;
  /** Microseconds per operation (median). */
  usPerOp: number;
  /** Engine entries read per operation (`stats().reads` delta), for read/query rows. */
  readsPerOp?: number;
  /** Results one query returns (scaling rows). */
  resultsPerOp?: number;
  /** Engine conflicts seen during the measurement (`stats().conflicts` delta), for write rows. */
  conflicts?: number;
  /** Memory rows: one sample per step of inserted records. */
  memory?: MemoryStep[];
  /** Anything a reader needs to interpret the row. */
  note?: string;
}

/** Memory use after `stored` records were inserted (MiB). */
export interface MemoryStep {
  stored: number;
  /** Highest RSS sampled during this step (after each transaction). */
  peakRssMiB: number;
  /**
   * Highest anonymous (process-private) RSS sampled during this step — RSS minus pages of mapped files.
   * LMDB maps its data file: pages of it that were touched count in RSS as `RssFile`, but they are
   * page cache the kernel drops at will, so "memory stays flat" is judged on this figure. Linux only.
   */
  peakAnonMiB?: number;
  /** RssFile at the end of the step: mapped LMDB pages resident in memory (Linux only). */
  fileMiB?: number;
  /** RSS at the end of the step. */
  rssMiB: number;
  heapUsedMiB: number;
  /** Off-heap memory owned by JS objects (Buffers), incl. lmdb-js write buffers. */
  externalMiB: number;
  /** Insert rate over this step. */
  opsPerSec: number;
}

/** Conditions of a run, written beside the rows (`results/latest-meta.json`). */
export interface RunConditions {
  mode: 'quick' | 'full' | 'tiny';
  startedAt: string;
  durationSec: number;
  cpus: number;
  cpuModel: string;
  /** `os.loadavg()` (1, 5, 15 min) before and after: the machine is shared, so read figures with it. */
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  node: string;
}
