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
  readonly #isRunning: () => boolean;
  // The promise is made only when someone awaits the handle: most handles (appends in a batch) are
  // never awaited, and two promises per append were a measurable part of a batched commit.
  #promise: Promise<R> | undefined;
  #resolve: ((value: R) => void) | undefined;
  #reject: ((error: unknown) => void) | undefined;
  /** 0 pending, 1 settled with `#outcome` as the value, 2 failed with `#outcome` as the error. */
  #state: 0 | 1 | 2 = 0;
  #outcome: unknown;

  /** @internal Created by `Transaction.mutate`. */
  constructor(isRunning: () => boolean) {
    this.#isRunning = isRunning;
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
    return this.#settled().then(onfulfilled, onrejected);
  }

  /** Like `Promise.prototype.catch`. @example await handle.catch(() => undefined) */
  catch<B = never>(onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<R | B> {
    return this.then(undefined, onrejected);
  }

  #settled(): Promise<R> {
    if (this.#promise !== undefined) return this.#promise;
    if (this.#state === 1) this.#promise = Promise.resolve(this.#outcome as R);
    else if (this.#state === 2) this.#promise = Promise.reject(this.#outcome);
    else {
      this.#promise = new Promise<R>((resolve, reject) => {
        this.#resolve = resolve;
        this.#reject = reject;
      });
    }
    return this.#promise;
  }

  /** @internal */
  settle(value: R): void {
    if (this.#state !== 0) return;
    this.#state = 1;
    this.#outcome = value;
    this.#resolve?.(value);
  }

  /** @internal */
  fail(error: unknown): void {
    if (this.#state !== 0) return;
    this.#state = 2;
    this.#outcome = error;
    this.#reject?.(error);
  }
}
