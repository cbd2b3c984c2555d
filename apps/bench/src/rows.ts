import type { Durability } from '@agentdb/primitives';
import type { Timing } from './measure.js';
import type { BenchResult } from './result.js';

/** The row-independent facts of one measurement of AgentDB. */
export interface Measured {
  workload: string;
  ours: Timing;
  dataSize: number;
  durability: Durability;
  extra?: Pick<BenchResult, 'readsPerOp' | 'resultsPerOp' | 'conflicts' | 'note'>;
}

/** A row comparing AgentDB to a baseline, with a §5 ratio target (`minRatio`) or none (informational). */
export function versus(m: Measured, baseline: string, base: Timing, minRatio?: number): BenchResult {
  const ratio = m.ours.opsPerSec / base.opsPerSec;
  return {
    workload: m.workload,
    opsPerSec: round(m.ours.opsPerSec),
    baseline,
    baselineOpsPerSec: round(base.opsPerSec),
    ratio: Math.round(ratio * 1000) / 1000,
    target: minRatio === undefined ? null : `≥ ${minRatio} × baseline`,
    met: minRatio === undefined ? null : ratio >= minRatio,
    dataSize: m.dataSize,
    durability: m.durability,
    usPerOp: round(m.ours.usPerOp, 2),
    ...m.extra,
  };
}

/** A row with an absolute §5 target (`minOpsPerSec`) or none, and no baseline. */
export function absolute(m: Measured, minOpsPerSec?: number, extraCheck = true): BenchResult {
  return {
    workload: m.workload,
    opsPerSec: round(m.ours.opsPerSec),
    baseline: null,
    baselineOpsPerSec: null,
    ratio: null,
    target: minOpsPerSec === undefined ? null : `≥ ${minOpsPerSec.toLocaleString('en-US')}/s`,
    met: minOpsPerSec === undefined ? null : m.ours.opsPerSec >= minOpsPerSec && extraCheck,
    dataSize: m.dataSize,
    durability: m.durability,
    usPerOp: round(m.ours.usPerOp, 2),
    ...m.extra,
  };
}

function round(n: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
