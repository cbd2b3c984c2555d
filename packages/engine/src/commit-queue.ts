import { AgentDBError, type Clock, isAgentDBError } from '@agentdb/core';
import { CommitBatch, commitInScope } from './commit.js';
import type { Durability, WalRetention } from './options.js';
import type { Storage } from './storage.js';
import type { TxContext, TxState } from './transaction.js';

export interface CommitQueueOptions {
  clock: Clock;
  durability: Durability;
  flushIntervalMs: number;
  walRetention: WalRetention;
}

/**
 * Group commit. Transactions that finish while a batch is pending join it; the batch runs as one
 * synchronous callback inside one LMDB write transaction (see `CommitBatch`), and strict mode waits
 * for one flush for the whole batch. Each transaction is still validated and applied on its own, in
 * arrival order, seeing the writes of those before it.
 */
export class CommitQueue {
  readonly #storage: Storage;
  readonly #ctx: TxContext;
  readonly #opts: CommitQueueOptions;
  readonly #onCommitted: (count: number, lastVersion: number) => void;
  #queue: TxState[] = [];
  /** The pending batch's promise: every state queued until its callback runs shares it. */
  #batch: Promise<void> | undefined;
  #pending = 0;
  #idle: (() => void)[] = [];

  constructor(
    storage: Storage,
    ctx: TxContext,
    opts: CommitQueueOptions,
    onCommitted: (count: number, lastVersion: number) => void,
  ) {
    this.#storage = storage;
    this.#ctx = ctx;
    this.#opts = opts;
    this.#onCommitted = onCommitted;
  }

  /**
   * Queues a transaction's write set. The returned promise is the batch's, shared by every transaction
   * in it (one promise per batch, not per commit): once it resolves, `state.outcome` holds this
   * transaction's outcome, durable per the mode. It rejects only when the whole batch failed.
   */
  submit(state: TxState): Promise<void> {
    this.#pending++;
    this.#queue.push(state);
    if (this.#queue.length === 1) this.#batch = this.#runBatch();
    return this.#batch!;
  }

  /** Resolves when no submitted commit is still in flight. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #settled(count: number): void {
    this.#pending -= count;
    if (this.#pending === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #runBatch(): Promise<void> {
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    let taken: TxState[] | undefined;
    const fail = (cause: unknown) => {
      // If the callback never ran, the queue still holds exactly this batch's transactions.
      if (taken === undefined) {
        taken = this.#queue;
        this.#queue = [];
      }
      reject(
        isAgentDBError(cause)
          ? cause
          : new AgentDBError('STORAGE', `commit failed: ${String(cause)}`, { cause }),
      );
      this.#settled(taken.length);
    };
    let written: Promise<void>;
    try {
      written = this.#storage.write((scope) => {
        // Take everything queued up to now: later submissions start the next batch.
        const states = this.#queue;
        this.#queue = [];
        taken = states;
        const batch = new CommitBatch(scope, this.#ctx.ttlNow());
        for (const state of states) state.outcome = commitInScope(batch, state, this.#ctx);
        batch.finish(this.#opts.walRetention);
      });
    } catch (cause) {
      fail(cause);
      return done;
    }
    written
      .then(async () => {
        const states = taken ?? [];
        let committed = 0;
        let last = 0;
        for (const state of states) {
          if (state.outcome?.kind === 'committed') {
            committed++;
            last = state.outcome.version;
          }
        }
        if (committed > 0) {
          if (this.#opts.durability === 'strict') await this.#storage.flushed();
          else if (this.#opts.durability === 'buffered') this.#storage.syncWithin(this.#opts.flushIntervalMs);
          this.#onCommitted(committed, last);
        }
        resolve();
        this.#settled(states.length);
      })
      .catch(fail);
    return done;
  }
}
