import {
  AgentDBError,
  checkId,
  checkOptions,
  checkPositiveInt,
  checkPositiveNumber,
  invalidArgument,
} from '@agentdb/core';
import { CLAIM_AFTER, CLAIM_WAIT_MS, type ClaimTicket, newTicket } from './claims.js';
import type { CommitQueue } from './commit-queue.js';
import type { TransactionOptions } from './contract.js';
import { backoff, checkDeadline, sleep, timeoutError, withDeadline } from './deadline.js';
import { KeyLocks } from './key-locks.js';
import { Transaction } from './transaction.js';
import type { CommitOutcome, TxContext, TxState } from './tx-state.js';

const TRANSACTION_OPTIONS: Record<keyof TransactionOptions, true> = {
  retries: true,
  timeoutMs: true,
  runId: true,
};
const TRANSACTION_OPTION_NAMES = Object.keys(TRANSACTION_OPTIONS) as (keyof TransactionOptions)[];

/** The transaction counters the runner keeps (part of `db.stats()`). */
export interface RunnerCounters {
  conflicts: number;
  retries: number;
  claimWaits: number;
  aborts: number;
}

/** One `db.transaction` call across its attempts. */
interface TxRun<T> {
  fn: (tx: Transaction) => T | Promise<T>;
  retries: number;
  deadline: number | undefined;
  runId: string | undefined;
  attempt: number;
  /** Releases the in-process key locks a retry holds. */
  release: (() => void) | undefined;
  ticket: ClaimTicket | undefined;
}

/** Releases the in-process key locks a transaction's retry holds, if any. */
function unlock(run: TxRun<unknown>): void {
  const release = run.release;
  run.release = undefined;
  release?.();
}

/** Ends a transaction object's life: no more use, its snapshot released (`reason` for any later call). */
function closeTransaction(state: TxState, tx: Transaction, reason?: AgentDBError): void {
  state.running = false;
  tx.release(reason);
}

function isPromiseLike<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * Runs transactions to their end: each attempt runs `fn` on a fresh transaction, submits its writes
 * to the commit queue and acts on the outcome — done, failed, or lost to a conflict and re-run after
 * its turn (in-process key locks, backoff, claims against other processes) until `retries` runs out.
 */
export class TransactionRunner {
  readonly #ctx: TxContext;
  readonly #queue: CommitQueue;
  readonly #releaseClaims: (ticket: ClaimTicket) => Promise<void>;
  readonly #counters: RunnerCounters;
  readonly #locks = new KeyLocks();
  readonly #defaults: { retries: number; deadline: undefined; runId: undefined };

  /** @param releaseClaims hands back the claims of a ticket that ends without committing (claims.ts) */
  constructor(
    ctx: TxContext,
    queue: CommitQueue,
    releaseClaims: (ticket: ClaimTicket) => Promise<void>,
    counters: RunnerCounters,
    retries: number,
  ) {
    this.#ctx = ctx;
    this.#queue = queue;
    this.#releaseClaims = releaseClaims;
    this.#counters = counters;
    this.#defaults = { retries, deadline: undefined, runId: undefined };
  }

  /** Checks the arguments, then runs `fn` to commit (see `Database.transaction`). */
  run<T>(fn: (tx: Transaction) => T | Promise<T>, opts: TransactionOptions | undefined): Promise<T> {
    let run: TxRun<T>;
    try {
      if (typeof fn !== 'function') throw invalidArgument('transaction needs a function (tx) => …');
      const { retries, deadline, runId } = this.#options(opts);
      run = { fn, retries, deadline, runId, attempt: 0, release: undefined, ticket: undefined };
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#attempt(run);
  }

  #options(opts: TransactionOptions | undefined): {
    retries: number;
    deadline: number | undefined;
    runId: string | undefined;
  } {
    if (opts === undefined) return this.#defaults;
    const o = checkOptions(opts, TRANSACTION_OPTION_NAMES, 'transaction');
    const retries = o.retries === undefined ? this.#defaults.retries : checkPositiveInt(o.retries, 'retries');
    const timeoutMs = o.timeoutMs === undefined ? undefined : checkPositiveNumber(o.timeoutMs, 'timeoutMs');
    const runId = o.runId === undefined ? undefined : checkId(o.runId, 'run id');
    return { retries, deadline: timeoutMs === undefined ? undefined : performance.now() + timeoutMs, runId };
  }

  // A transaction's attempts as a promise chain rather than one async function: a synchronous `fn`
  // then costs no extra microtask turns, which measured ~0.3 µs of a ~12 µs commit. In order: run
  // `fn` (#attempt), close the transaction and submit its writes (#submit), act on the outcome
  // (#settle), and after a conflict wait for the next attempt's turn (#retryTurn). Every failure ends in
  // #abort and every success in #finish; both hand back locks and claims.
  #attempt<T>(run: TxRun<T>): Promise<T> {
    run.attempt++;
    if (run.attempt >= CLAIM_AFTER) run.ticket ??= newTicket();
    const state: TxState = {
      reads: undefined,
      scans: [],
      writes: new Map(),
      mutations: [],
      mutated: undefined,
      running: true,
      ended: undefined,
      ticket: run.ticket,
    };
    const tx = new Transaction(this.#ctx, state, run.runId);
    let returned: T | Promise<T>;
    try {
      returned = run.fn(tx);
    } catch (error) {
      closeTransaction(state, tx);
      return this.#abort(run, state, error);
    }
    if (!isPromiseLike(returned)) return this.#submit(run, state, tx, returned);
    const finished = Promise.resolve(returned).then(
      (result) =>
        state.ended === undefined ? this.#submit(run, state, tx, result) : Promise.reject(state.ended),
      (error: unknown) => {
        if (state.ended !== undefined) return Promise.reject(state.ended);
        closeTransaction(state, tx);
        return this.#abort(run, state, error);
      },
    );
    return run.deadline === undefined ? finished : this.#byDeadline(run, state, tx, finished);
  }

  /**
   * `finished`, unless the deadline passes while `fn` is still running: then the transaction ends at
   * once with `TIMEOUT` — snapshot, locks and claims released, mutation handles rejected, any later
   * call on `tx` throwing `TIMEOUT` — whether or not `fn` ever settles. Once `fn` has returned, the
   * commit decides (a commit in progress cannot be taken back).
   */
  #byDeadline<T>(run: TxRun<T>, state: TxState, tx: Transaction, finished: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          if (!state.running) return;
          const timeout = timeoutError();
          state.ended = timeout;
          closeTransaction(state, tx, timeout);
          this.#abort(run, state, timeout).then(resolve, reject);
        },
        Math.max(0, run.deadline! - performance.now()),
      );
      finished.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  // No check that the database is open: close() lets a transaction that started before it commit.
  #submit<T>(run: TxRun<T>, state: TxState, tx: Transaction, result: T): Promise<T> {
    closeTransaction(state, tx);
    if (state.writes.size === 0 && state.mutations.length === 0)
      return Promise.resolve(this.#finish(run, result));
    let commit: Promise<CommitOutcome>;
    try {
      checkDeadline(run.deadline);
      commit = this.#queue.submit(state);
    } catch (error) {
      return this.#abort(run, state, error);
    }
    return commit.then(
      (outcome) => this.#settle(run, state, result, outcome),
      (error: unknown) => this.#abort(run, state, error),
    );
  }

  #settle<T>(run: TxRun<T>, state: TxState, result: T, outcome: CommitOutcome): T | Promise<T> {
    if (outcome.kind === 'committed') {
      for (let i = 0; i < state.mutations.length; i++) state.mutations[i]!.handle.settle(outcome.results[i]);
      return this.#finish(run, result);
    }
    if (outcome.kind === 'failed') return this.#abort(run, state, outcome.error);
    const conflict = new AgentDBError(
      'CONFLICT',
      `transaction lost ${run.attempt} optimistic commit(s) to concurrent writers; retry later or reduce contention on the same keys`,
      { attempts: run.attempt },
    );
    if (!outcome.claimed) {
      this.#counters.conflicts++;
      if (run.attempt >= run.retries) return this.#abort(run, state, conflict);
    }
    // This attempt is over; its mutation handles reject (the next attempt's `fn` makes new ones).
    for (const m of state.mutations) m.handle.fail(conflict);
    if (outcome.claimed) {
      // Refused by another transaction's claim: wait for it to commit, without using an attempt,
      // and let go of our in-process locks meanwhile (the claimant may be queued on them).
      this.#counters.claimWaits++;
      run.attempt--;
      unlock(run);
      return this.#next(run, withDeadline(sleep(CLAIM_WAIT_MS * (1 + Math.random())), run.deadline));
    }
    this.#counters.retries++;
    return this.#next(run, this.#retryTurn(run, outcome.keys));
  }

  /** The next attempt once `turn` resolves; a failed wait (TIMEOUT) ends the transaction. */
  #next<T>(run: TxRun<T>, turn: Promise<void>): Promise<T> {
    return turn.then(
      () => this.#attempt(run),
      (error: unknown) => this.#abort(run, undefined, error),
    );
  }

  /** Waits for a retry's turn: the in-process locks on what it depended on, then backoff. */
  async #retryTurn<T>(run: TxRun<T>, keys: string[]): Promise<void> {
    // Queue behind other retries of the same keys (holding the union of what we depend on).
    unlock(run);
    run.release = await withDeadline(this.#locks.acquire(keys), run.deadline, (r) => r());
    // The lock queue already orders in-process retries; back off only when we lost again while
    // holding it (to another process, or to a first attempt that never queued), and not once our
    // claim holds other writers off.
    const claimed = run.ticket !== undefined && run.ticket.keys.length > 0;
    if (run.attempt > 1 && !claimed) await withDeadline(backoff(run.attempt), run.deadline);
  }

  #finish<T>(run: TxRun<T>, result: T): T | Promise<T> {
    if (run.release === undefined && run.ticket === undefined) return result;
    return this.#handBack(run).then(() => result);
  }

  /** Ends the transaction with `error`: its mutation handles reject with it, and so does the call. */
  #abort<T>(run: TxRun<T>, state: TxState | undefined, error: unknown): Promise<T> {
    this.#counters.aborts++;
    if (state !== undefined) for (const m of state.mutations) m.handle.fail(error);
    return this.#handBack(run).then(() => Promise.reject(error));
  }

  /** Releases the transaction's in-process locks and any claims it still holds. */
  async #handBack<T>(run: TxRun<T>): Promise<void> {
    unlock(run);
    // A transaction that ends while holding claims hands them back (they would expire anyway).
    if (run.ticket !== undefined && run.ticket.keys.length > 0) await this.#releaseClaims(run.ticket);
  }
}
