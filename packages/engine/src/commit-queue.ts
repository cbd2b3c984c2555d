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

/**
 * Group commit. Transactions that finish while a batch is pending join it; the batch runs as one
 * synchronous callback inside one LMDB write transaction (one counter read, one counter write), and
 * strict mode waits for one flush for the whole batch. Each transaction is still validated and applied
 * on its own, in arrival order, seeing the writes of those before it.
 */
export class CommitQueue {
  readonly #storage: Storage;
  readonly #ctx: TxContext;
  readonly #clock: Clock;
  readonly #durability: Durability;
  readonly #retention: WalRetention;
  #queue: Job[] = [];

  constructor(
    storage: Storage,
    ctx: TxContext,
    opts: { clock: Clock; durability: Durability; walRetention: WalRetention },
  ) {
    this.#storage = storage;
    this.#ctx = ctx;
    this.#clock = opts.clock;
    this.#durability = opts.durability;
    this.#retention = opts.walRetention;
  }

  /** Queues a transaction's write set; resolves once its outcome is durable per the mode. */
  submit(state: TxState): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ state, resolve, reject });
      if (this.#queue.length === 1) this.#runBatch();
    });
  }

  #runBatch(): void {
    let jobs: Job[] = [];
    const outcomes: CommitOutcome[] = [];
    this.#storage
      .write((scope) => {
        // Take everything queued up to now: later submissions start the next batch.
        jobs = this.#queue;
        this.#queue = [];
        const batch = new CommitBatch(scope, readClock(this.#clock));
        for (const job of jobs) outcomes.push(commitInScope(batch, job.state, this.#ctx));
        batch.finish(this.#retention);
      })
      .then(async () => {
        if (this.#durability === 'strict' && outcomes.some((o) => o.kind === 'committed'))
          await this.#storage.flushed();
        jobs.forEach((job, i) => {
          job.resolve(outcomes[i]!);
        });
      })
      .catch((cause: unknown) => {
        const error = isAgentDBError(cause)
          ? cause
          : new AgentDBError('STORAGE', `commit failed: ${String(cause)}`, { cause });
        for (const job of jobs) job.reject(error);
      });
  }
}
