import { AgentDBError } from '@agentdb/core';

/**
 * The result of a commit-time mutation (`tx.mutate`), known only once the transaction has committed.
 * Awaiting it while the transaction function is still running could only wait forever, so that is
 * refused at once with `INVALID_ARGUMENT`. If the transaction aborts, the handle rejects with the
 * transaction's error. An unobserved rejection is never reported as unhandled.
 *
 * @example
 * let handle!: MutationHandle<number>;
 * await db.transaction((tx) => { handle = tx.mutate(key, (n) => ({ value: Number(n ?? 0) + 1, result: Number(n ?? 0) })) });
 * const previous = await handle;
 */
export class MutationHandle<R> implements PromiseLike<R> {
  readonly #promise: Promise<R>;
  readonly #isRunning: () => boolean;
  #resolve!: (value: R) => void;
  #reject!: (error: unknown) => void;

  /** @internal Created by `Transaction.mutate`. */
  constructor(isRunning: () => boolean) {
    this.#isRunning = isRunning;
    this.#promise = new Promise<R>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.#promise.catch(() => {});
  }

  // biome-ignore lint/suspicious/noThenProperty: a handle is deliberately awaitable
  then<A = R, B = never>(
    onfulfilled?: ((value: R) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    if (this.#isRunning()) {
      const refusal = new AgentDBError(
        'INVALID_ARGUMENT',
        'this result exists only after the transaction commits: await it after db.transaction(...) resolves, ' +
          'not inside (or as the return value of) the transaction function',
      );
      return Promise.reject(refusal).then(onfulfilled, onrejected);
    }
    return this.#promise.then(onfulfilled, onrejected);
  }

  /** Like `Promise.prototype.catch`. @example await handle.catch(() => undefined) */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<R | B> {
    return this.then(undefined, onrejected);
  }

  /** @internal */
  settle(value: R): void {
    this.#resolve(value);
  }

  /** @internal */
  fail(error: unknown): void {
    this.#reject(error);
  }
}
