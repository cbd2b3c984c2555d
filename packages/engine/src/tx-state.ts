import type { Clock, EncodeOptions, Value } from '@agentdb/core';
import type { ClaimTicket } from './claims.js';
import type { MutationFn } from './contract.js';
import type { MutationHandle } from './mutation-handle.js';
import type { Snapshot } from './snapshot.js';

/**
 * What a transaction accumulates while its function runs, and what it needs from its database: the
 * shapes the transaction, the runner that drives its attempts and the commit pipeline share.
 */

/** A buffered write; `stored === null` is a delete. */
export interface PendingWrite {
  /** `keyId(key)`, computed once: the identity the write set and the commit's staging area use. */
  id: string;
  key: Buffer;
  stored: Uint8Array | null;
  expiresAt?: number;
  /** The decoded value, when the writer has it (commit-time mutations), to spare later decodes. */
  value?: Value;
  /** The commit version that wrote it: 0 until a commit batch applies it (commit.ts). */
  version: number;
}

/** What one scan observed in the snapshot, re-checked at commit (phantom protection). */
export interface ScanObservation {
  start: Uint8Array;
  end: Uint8Array;
  reverse: boolean;
  /** Raw snapshot entries pulled, in scan order (expired ones included). */
  seen: { key: Uint8Array; version: number }[];
  /** The snapshot iterator ran to the end of the range. */
  complete: boolean;
}

export interface PendingMutation {
  key: Buffer;
  fn: MutationFn<unknown>;
  handle: MutationHandle<unknown>;
}

/** Everything a transaction accumulated, handed to the committer. */
export interface TxState {
  /** Keys read and the versions seen; created on the first read (blind writers never need it). */
  reads: Map<string, { key: Buffer; version: number }> | undefined;
  scans: ScanObservation[];
  writes: Map<string, PendingWrite>;
  mutations: PendingMutation[];
  /** Ids of the keys `mutations` change, for reading them back (created on the first mutation). */
  mutated: Set<string> | undefined;
  running: boolean;
  /** Why the transaction ended before its function did (its deadline): what any later call throws. */
  ended: Error | undefined;
  /** Set once the transaction has lost enough attempts to claim what it reads (claims.ts). */
  ticket: ClaimTicket | undefined;
}

/** What a transaction needs from its database. */
export interface TxContext {
  snapshot(): Snapshot;
  clock: Clock;
  /** The time TTL is judged by (ttl-clock.ts). */
  ttlNow: () => number;
  /**
   * `{ maxBytes: maxValueBytes, maxDepth: MAX_STORED_DEPTH }`, built once for every `encodeValue` call. A
   * primitive checks its caller's value at `MAX_VALUE_DEPTH` and stores it inside its own record, which
   * adds a level or two, so a stored value may nest up to `MAX_STORED_DEPTH`.
   */
  encodeOptions: EncodeOptions;
  assertWritable(): void;
}

/** What a commit batch decided for one transaction. */
export type CommitOutcome =
  | { kind: 'committed'; version: number; results: readonly unknown[] }
  /** `claimed`: refused only because another transaction's live claim covers a key it writes. */
  | { kind: 'conflict'; keys: string[]; claimed: boolean }
  | { kind: 'failed'; error: unknown };
