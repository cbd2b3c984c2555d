import { AgentDBError, type Clock, isAgentDBError, readClock } from '@agentdb/core';
import { CommitBatch, type CommitOutcome, commitInScope } from './commit.js';
import type { Durability, WalRetention } from './options.js';
import type { Storage } from './storage.js';
import type { TxContext, TxState } from './transaction.js';

interface Job {
  state: TxState;
  resolve(outcome: CommitOutcome): void;
  reject(error: unknown): void;
}

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
  #queue: Job[] = [];
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

  /** Queues a transaction's write set; resolves once its outcome is durable per the mode. */
  submit(state: TxState): Promise<CommitOutcome> {
    this.#pending++;
    return new Promise((resolve, reject) => {
      this.#queue.push({ state, resolve, reject });
      if (this.#queue.length === 1) this.#runBatch();
    });
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

  #runBatch(): void {
    let jobs: Job[] = [];
    const outcomes: CommitOutcome[] = [];
    this.#storage
      .write((scope) => {
        // Take everything queued up to now: later submissions start the next batch.
        jobs = this.#queue;
        this.#queue = [];
        const batch = new CommitBatch(scope, readClock(this.#opts.clock), this.#storage.versionSeen);
        for (const job of jobs) outcomes.push(commitInScope(batch, job.state, this.#ctx));
        batch.finish(this.#opts.walRetention);
      })
      .then(async () => {
        let committed = 0;
        let last = 0;
        for (const o of outcomes) {
          if (o.kind === 'committed') {
            committed++;
            last = o.version;
          }
        }
        if (committed > 0) {
          this.#storage.committed(last);
          if (this.#opts.durability === 'strict') await this.#storage.flushed();
          else if (this.#opts.durability === 'buffered') this.#storage.syncWithin(this.#opts.flushIntervalMs);
          this.#onCommitted(committed, last);
        }
        jobs.forEach((job, i) => {
          job.resolve(outcomes[i]!);
        });
        this.#settled(jobs.length);
      })
      .catch((cause: unknown) => {
        const error = isAgentDBError(cause)
          ? cause
          : new AgentDBError('STORAGE', `commit failed: ${String(cause)}`, { cause });
        for (const job of jobs) job.reject(error);
        this.#settled(jobs.length);
      });
  }
}
