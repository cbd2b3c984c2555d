import { AgentDBError, isAgentDBError } from '@agentdb/core';
import { commitInScope } from './commit.js';
import { CommitBatch } from './commit-batch.js';
import type { Durability, WalRetention } from './options.js';
import type { StagedScope } from './staged-scope.js';
import type { Storage } from './storage.js';
import type { CommitOutcome, TxContext, TxState } from './tx-state.js';

/** Resolves after the current event turn (its microtasks and I/O callbacks) has run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export interface CommitQueueOptions {
  durability: Durability;
  /** Whether a batch of one transaction may commit in-line (`Storage.writeInline`). */
  inlineCommits: boolean;
  flushIntervalMs: number;
  walRetention: WalRetention;
}

/**
 * Group commit. Transactions that finish while a batch is pending join it; the batch runs as one
 * synchronous callback inside one LMDB write transaction (see `CommitBatch`), and strict mode waits
 * for one flush for the whole batch. A batch of one transaction commits in-line on this thread when
 * it can (`Storage.writeInline`): a caller that awaits every commit pays no thread hand-off. Each
 * transaction is still validated and applied on its own, in arrival order, seeing the writes of those
 * before it.
 */
export class CommitQueue {
  readonly #storage: Storage;
  readonly #ctx: TxContext;
  readonly #opts: CommitQueueOptions;
  readonly #onCommitted: (count: number, lastVersion: number) => void;
  #queue: TxState[] = [];
  /** The pending batch: every state queued until its callback runs shares it (one promise per batch). */
  #batch: Promise<CommitOutcome[]> | undefined;
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
   * Queues a transaction's write set; resolves to what its batch decided for it (committed — durable
   * per the mode —, conflict or failed). Rejects only when the whole batch failed to commit.
   */
  submit(state: TxState): Promise<CommitOutcome> {
    this.#pending++;
    const index = this.#queue.push(state) - 1;
    if (index === 0) this.#batch = this.#runBatch();
    return this.#batch!.then((outcomes) => outcomes[index]!);
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

  async #runBatch(): Promise<CommitOutcome[]> {
    let taken: TxState[] | undefined;
    let outcomes: CommitOutcome[];
    const commitQueued = (scope: StagedScope): CommitOutcome[] => {
      // Take everything queued up to now: later submissions start the next batch.
      taken = this.#queue;
      this.#queue = [];
      const batch = new CommitBatch(scope, this.#ctx.ttlNow());
      const decided = taken.map((state) => commitInScope(batch, state, this.#ctx));
      batch.finish(this.#opts.walRetention);
      return decided;
    };
    let inline = false;
    try {
      // Everything submitted in this event turn joins the batch (the turn lmdb-js batches by, too).
      await nextTurn();
      // A lone commit — the caller awaits each commit before the next — is committed on this thread:
      // the same transaction and fsync without the round trip through lmdb-js's write thread.
      inline = this.#opts.inlineCommits && this.#queue.length === 1 && this.#storage.canWriteInline();
      outcomes = inline ? this.#storage.writeInline(commitQueued) : await this.#storage.write(commitQueued);
    } catch (cause) {
      // If the callback never ran, the queue still holds exactly this batch's transactions.
      if (taken === undefined) {
        taken = this.#queue;
        this.#queue = [];
      }
      this.#settled(taken.length);
      throw isAgentDBError(cause)
        ? cause
        : new AgentDBError('STORAGE', `commit failed: ${String(cause)}`, { cause });
    }
    let committed = 0;
    let last = 0;
    for (const o of outcomes) {
      if (o.kind !== 'committed') continue;
      committed++;
      last = o.version;
    }
    try {
      if (committed > 0) {
        // An in-line commit is on disk already (strict: LMDB synced before transactionSync returned).
        if (this.#opts.durability === 'strict' && !inline) await this.#storage.flushed();
        else if (this.#opts.durability === 'buffered') this.#storage.syncWithin(this.#opts.flushIntervalMs);
        this.#onCommitted(committed, last);
      }
    } finally {
      this.#settled(outcomes.length);
    }
    return outcomes;
  }
}
