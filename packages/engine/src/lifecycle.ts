import { AgentDBError } from '@agentdb/core';

/**
 * Open or closing, and what is in flight. `close()` drains: work counted here before it finishes on
 * its own merits, and `drained()` resolves after the last of it; anything started after `close()`
 * fails `assertOpen()` with `CLOSED`.
 */
export class Lifecycle {
  #closing = false;
  #inFlight = 0;
  #drained: (() => void) | undefined;

  /** True once `close()` has begun. */
  get closing(): boolean {
    return this.#closing;
  }

  /** Throws `CLOSED` once `close()` has begun. */
  assertOpen(): void {
    if (this.#closing) throw new AgentDBError('CLOSED', 'the database is closed; open it again to use it');
  }

  /** Counts `p` as in flight until it settles (no extra promise hop for the caller). */
  track<T>(p: Promise<T>): Promise<T> {
    this.#inFlight++;
    const settled = () => {
      if (--this.#inFlight === 0) this.#drained?.();
    };
    p.then(settled, settled);
    return p;
  }

  /** Marks the start of `close()` and resolves when nothing counted is in flight any more. */
  drain(): Promise<void> {
    this.#closing = true;
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.#drained = resolve;
    });
  }
}
