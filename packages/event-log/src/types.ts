import type { Value } from '@agentdb/core';

/** One event of a run's log. Hashes are 64 lowercase hex characters. */
export interface Event {
  /** Position in the run's log: 0, 1, 2, … with no gaps. */
  sequence: number;
  eventType: string;
  payload: Value;
  /** Milliseconds since the epoch, read from the database clock at commit; never decreases along a log. */
  timestamp: number;
  /** The previous event's `hash`; 64 zeros for sequence 0. */
  prevHash: string;
  /** SHA-256 over the documented byte layout (see the README and `hashedBytes`). */
  hash: string;
}

/** Options of `append`. */
export interface AppendOptions {
  /**
   * Append only if the event would get this sequence (the log's length at commit); otherwise fail with
   * `VERSION_MISMATCH` (`expected`, `actual`) and write nothing.
   */
  expectedSequence?: number;
}

/** Options of `iter`. */
export interface IterOptions {
  /** First sequence to yield. Default 0. */
  from?: number;
  /** Events read per storage round trip (1–10,000); memory held is bounded by it. Default 256. */
  batchSize?: number;
  /** After the last event, wait for new ones (a live tail) until `signal` aborts or the database closes. */
  follow?: boolean;
  /** Ends the iteration (quietly) when aborted. */
  signal?: AbortSignal;
}

/** The outcome of `verifyChain`. */
export interface ChainVerification {
  /** True when every event, the links between them, the type index and the log's metadata agree. */
  valid: boolean;
  /** How many events, from sequence 0, were verified intact (the whole log when `valid`). */
  length: number;
  /** The first sequence found broken (missing, unreadable, altered, misplaced or mis-indexed). */
  firstInvalid?: number;
  /** What is wrong at `firstInvalid` (or with the log's metadata). */
  error?: string;
}
