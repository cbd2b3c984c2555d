/**
 * In-process FIFO locks by key identity. OCC alone starves a hot key: N transactions read it, one
 * commits, N−1 retry and collide again. After a conflict, a transaction's retries take these locks on
 * everything it depended on, so retries on one key queue instead of racing. Locks are taken in sorted
 * order, all at once, which rules out deadlock between holders.
 */
export class KeyLocks {
  readonly #tails = new Map<string, Promise<void>>();

  /** Waits for every lock in `ids`; resolves to the function that releases them all. */
  async acquire(ids: Iterable<string>): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const id of [...new Set(ids)].sort()) releases.push(await this.#lockOne(id));
    return () => {
      for (const release of releases.reverse()) release();
    };
  }

  #lockOne(id: string): Promise<() => void> {
    const previous = this.#tails.get(id) ?? Promise.resolve();
    let unlock!: () => void;
    const held = new Promise<void>((resolve) => {
      unlock = resolve;
    });
    const tail = previous.then(() => held);
    this.#tails.set(id, tail);
    return previous.then(() => () => {
      unlock();
      if (this.#tails.get(id) === tail) this.#tails.delete(id);
    });
  }
}
