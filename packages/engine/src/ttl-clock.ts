import { type Clock, readClock } from '@agentdb/core';

/**
 * The time TTL is judged by: the database's clock, but never below its highest reading so far in this
 * process, which starts at the newest commit's time. So an entry that has read as expired stays
 * expired when the clock steps backwards (NTP, a restored VM, a test's manual clock) — before the
 * sweeper deletes it as well as after — and a new `ttlMs` counts from that same time. Timestamps the
 * primitives write (`createdAt`, trace times) use the clock as it is.
 */
export class TtlClock {
  readonly #clock: Clock;
  #high: number;

  /** @param start the lowest time to report (the newest commit's timestamp at open) */
  constructor(clock: Clock, start: number) {
    this.#clock = clock;
    this.#high = start;
  }

  /**
   * Now, in ms since the epoch, never less than any earlier answer.
   *
   * @example
   * const ttl = new TtlClock(() => 1_000, 5_000);
   * ttl.now(); // 5000: the clock reads 1000, below the newest commit's time
   */
  now(): number {
    const t = readClock(this.#clock);
    if (t > this.#high) this.#high = t;
    return this.#high;
  }
}
