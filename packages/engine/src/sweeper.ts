import { CommitBatch } from './commit-batch.js';
import type { Lifecycle } from './lifecycle.js';
import type { ResolvedOptions } from './options.js';
import type { StagedScope } from './staged-scope.js';
import type { Storage } from './storage.js';
import { entryExpiry } from './stored-entry.js';
import type { TtlClock } from './ttl-clock.js';
import type { PendingWrite } from './tx-state.js';
import { pendingDelete } from './write-set.js';

/** One sweep commit: deletes up to `limit` expired entries through the expiry index. */
function sweepInScope(
  scope: StagedScope,
  now: number,
  limit: number,
  retention: ResolvedOptions['walRetention'],
): { deleted: number; more: boolean } {
  const due = scope.ttlDue(now, limit);
  const writes = new Map<string, PendingWrite>();
  for (const d of due) {
    scope.ttlRemove(d.indexKey);
    const current = scope.get(d.key);
    // The index entry is stale if the key was deleted or rewritten with another (or no) expiry.
    if (current !== undefined && entryExpiry(current.stored) === d.expiresAt) {
      const write = pendingDelete(Buffer.from(d.key));
      writes.set(write.id, write);
    }
  }
  if (writes.size > 0) {
    const batch = new CommitBatch(scope, now);
    batch.apply(writes);
    batch.finish(retention);
  }
  return { deleted: writes.size, more: due.length === limit };
}

/**
 * TTL sweeping: expired entries are deleted through the expiry index in bounded batches, each an
 * ordinary logged commit — on demand (`sweepExpired`) and from an unref'd timer. One sweep at a time.
 */
export class Sweeper {
  readonly #storage: Storage;
  readonly #opts: ResolvedOptions;
  readonly #ttl: TtlClock;
  readonly #lifecycle: Lifecycle;
  readonly #committed: (count: number) => void;
  readonly #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;
  /** Expired entries deleted by this process. */
  swept = 0;

  /** @param committed told after every sweep commit, with how many entries it deleted */
  constructor(
    storage: Storage,
    opts: ResolvedOptions,
    ttl: TtlClock,
    lifecycle: Lifecycle,
    committed: (count: number) => void,
  ) {
    this.#storage = storage;
    this.#opts = opts;
    this.#ttl = ttl;
    this.#lifecycle = lifecycle;
    this.#committed = committed;
    if (opts.sweepIntervalMs > 0 && !opts.readOnly) {
      this.#timer = setInterval(() => {
        if (!lifecycle.closing) this.sweep().catch(() => {});
      }, opts.sweepIntervalMs);
      this.#timer.unref();
    }
  }

  /** Sweeps now (joining a sweep already running); resolves to how many entries it deleted. */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#lifecycle.track(this.#run()).finally(() => {
      this.#sweeping = undefined;
    });
    return this.#sweeping;
  }

  /** Stops the timer (the database is closing). */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
  }

  async #run(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = this.#ttl.now();
      const { deleted, more } = await this.#storage.write((scope) =>
        sweepInScope(scope, now, this.#opts.sweepBatchSize, this.#opts.walRetention),
      );
      if (deleted > 0 && this.#opts.durability === 'strict') await this.#storage.flushed();
      total += deleted;
      this.swept += deleted;
      if (deleted > 0) this.#committed(deleted);
      if (!more || this.#lifecycle.closing) return total;
    }
  }
}
