import { measure } from 'mitata';

/** How long mitata samples each function. */
export interface Budget {
  /** Keep sampling until this much time was spent (and `minSamples` were taken). */
  minTimeMs: number;
  minSamples: number;
  /** Untimed calls first, until this much time passed (JIT, caches, lmdb-js read txn reuse). */
  warmupMs: number;
}

/** A timing: `opsPerIteration` operations per call of the measured function. */
export interface Timing {
  opsPerSec: number;
  usPerOp: number;
  samples: number;
}

/**
 * Times `iteration` with mitata and converts the median iteration time into operations per second.
 * The median (not the mean) because the machine is shared: a neighbour's burst should not move it.
 * Untimed warm-up calls run first (at least one).
 *
 * @example
 * const t = await timeOps(() => Promise.all(puts()), 1000, { minTimeMs: 500, minSamples: 8 });
 */
export async function timeOps(
  iteration: () => unknown,
  opsPerIteration: number,
  budget: Budget,
): Promise<Timing> {
  const warmEnd = performance.now() + budget.warmupMs;
  do await iteration();
  while (performance.now() < warmEnd);
  // mitata dispatches on the function's arity: a zero-argument function is a one-shot benchmark.
  const fn = () => iteration();
  const stats = await measure(fn, {
    min_cpu_time: budget.minTimeMs * 1e6,
    min_samples: budget.minSamples,
    // Never batch: every iteration already holds many operations.
    batch_threshold: 0,
    warmup_samples: 1,
  });
  const nsPerOp = stats.p50 / opsPerIteration;
  return { opsPerSec: 1e9 / nsPerOp, usPerOp: nsPerOp / 1e3, samples: stats.samples.length };
}
