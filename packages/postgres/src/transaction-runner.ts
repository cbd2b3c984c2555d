import {
  AgentDBError,
  checkId,
  checkOptions,
  checkPositiveInt,
  checkPositiveNumber,
  invalidArgument,
} from '@agentdb/core';
import type { EngineTransaction, TransactionOptions } from '@agentdb/engine';
import { backoff, KeyLocks, timeoutError, withDeadline } from '@agentdb/engine/kit';
import type { Committer } from './committer.js';
import { PgTransaction } from './pg-transaction.js';
import { newTxState, type TxContext, type TxState } from './tx-state.js';

const TRANSACTION_OPTIONS: Record<keyof TransactionOptions, true> = {
  retries: true,
  timeoutMs: true,
  runId: true,
};
const TRANSACTION_OPTION_NAMES = Object.keys(TRANSACTION_OPTIONS) as (keyof TransactionOptions)[];

/** The counters the runner keeps for `stats()`. */
export interface RunnerStats {
  conflicts: number;
  retries: number;
  aborts: number;
}

interface Run<T> {
  fn: (tx: EngineTransaction) => T | Promise<T>;
  retries: number;
  deadline: number | undefined;
  runId: string | undefined;
}

/**
 * Runs `engine.transaction` calls: each attempt runs the function on a fresh transaction, then
 * submits its writes to the committer; a conflict re-runs it (after waiting in-process for other
 * retries of the same keys, and a jittered backoff when it lost again), up to `retries` attempts,
 * then `CONFLICT`. A deadline ends it with `TIMEOUT` even if the function never settles; once the
 * function has returned, the commit decides.
 */
export class TransactionRunner {
  readonly #ctx: TxContext;
  readonly #committer: Committer;
  readonly #defaultRetries: number;
  readonly #locks = new KeyLocks();
  readonly stats: RunnerStats = { conflicts: 0, retries: 0, aborts: 0 };

  constructor(ctx: TxContext, committer: Committer, defaultRetries: number) {
    this.#ctx = ctx;
    this.#committer = committer;
    this.#defaultRetries = defaultRetries;
  }

  /** Checks the arguments (throws `INVALID_ARGUMENT`) and returns the run. */
  check<T>(fn: unknown, opts: TransactionOptions | undefined): Run<T> {
    if (typeof fn !== 'function') throw invalidArgument('transaction needs a function (tx) => …');
    const o = checkOptions(opts, TRANSACTION_OPTION_NAMES, 'transaction');
    const timeoutMs = o.timeoutMs === undefined ? undefined : checkPositiveNumber(o.timeoutMs, 'timeoutMs');
    return {
      fn: fn as Run<T>['fn'],
      retries: o.retries === undefined ? this.#defaultRetries : checkPositiveInt(o.retries, 'retries'),
      deadline: timeoutMs === undefined ? undefined : performance.now() + timeoutMs,
      runId: o.runId === undefined ? undefined : checkId(o.runId, 'run id'),
    };
  }

  /** Runs a checked transaction to its end. */
  async run<T>(run: Run<T>): Promise<T> {
    let release: (() => void) | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        const state = newTxState();
        const result = await this.#attempt(run, state);
        if (state.writes.size === 0 && state.mutations.length === 0) return result; // read-only
        try {
          await this.#committer.submit(state);
        } catch (error) {
          throw failWith(state, error);
        }
        const outcome = state.outcome!;
        if (outcome.kind === 'committed') {
          for (let i = 0; i < state.mutations.length; i++)
            state.mutations[i]!.handle.settle(outcome.results[i]);
          return result;
        }
        if (outcome.kind === 'failed') throw failWith(state, outcome.error);
        this.stats.conflicts++;
        const conflict = new AgentDBError(
          'CONFLICT',
          `transaction lost ${attempt} optimistic commit(s) to concurrent writers; retry later or reduce contention on the same keys`,
          { attempts: attempt },
        );
        if (attempt >= run.retries) throw failWith(state, conflict);
        // This attempt is over; its handles reject (the next attempt's function makes new ones).
        for (const m of state.mutations) m.handle.fail(conflict);
        this.stats.retries++;
        // Queue behind other retries of the same keys in this process, holding what we depend on.
        release?.();
        release = undefined;
        release = await withDeadline(this.#locks.acquire(outcome.keys), run.deadline, (r) => r());
        if (attempt > 1) await withDeadline(backoff(attempt), run.deadline);
      }
    } catch (error) {
      this.stats.aborts++;
      throw error;
    } finally {
      release?.();
    }
  }

  /** Runs the function once; closes the transaction object and releases its snapshot after it. */
  async #attempt<T>(run: Run<T>, state: TxState): Promise<T> {
    const tx = new PgTransaction(this.#ctx, state, run.runId);
    const end = (reason?: AgentDBError) => {
      state.running = false;
      tx.release(reason);
    };
    let finished: Promise<T>;
    try {
      finished = Promise.resolve(run.fn(tx));
    } catch (error) {
      end();
      throw failWith(state, error);
    }
    if (run.deadline !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => {
            const timeout = timeoutError();
            state.ended = timeout;
            end(timeout);
            reject(timeout);
          },
          Math.max(0, run.deadline! - performance.now()),
        );
      });
      finished = Promise.race([finished, timedOut]).finally(() => clearTimeout(timer));
    }
    try {
      const result = await finished;
      if (state.ended !== undefined) throw state.ended;
      end();
      return result;
    } catch (error) {
      const reason = state.ended ?? error;
      end();
      throw failWith(state, reason);
    }
  }
}

/** Rejects every mutation handle of the attempt with `error`, and returns it. */
function failWith(state: TxState, error: unknown): unknown {
  for (const m of state.mutations) m.handle.fail(error);
  return error;
}
