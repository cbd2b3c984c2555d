import type { Clock, EncodeOptions } from '@agentdb/core';
import type { MutationFn, MutationHandle } from '@agentdb/engine';
import { keyId, type PendingWrite, type ScanObservation } from '@agentdb/engine/kit';
import type { PgSnapshot, RawRow } from './pg-snapshot.js';

/** A registered commit-time mutation. */
export interface PendingMutation {
  key: Buffer;
  fn: MutationFn<unknown>;
  handle: MutationHandle<unknown>;
}

/** What the commit decided for one attempt of a transaction. */
export type CommitOutcome =
  | { kind: 'committed'; version: number; results: readonly unknown[] }
  /** `keys`: the in-process lock identities of what it depended on (its retry queues on them). */
  | { kind: 'conflict'; keys: string[] }
  | { kind: 'failed'; error: unknown };

/** Everything one attempt of a transaction accumulated, handed to the committer. */
export interface TxState {
  /** Keys read and the versions seen (0: absent); created on the first read. */
  reads: Map<string, { key: Buffer; version: number }> | undefined;
  /** Rows already read from the snapshot (`null`: absent), so a second read costs no round trip. */
  cache: Map<string, RawRow | null>;
  scans: ScanObservation[];
  writes: Map<string, PendingWrite>;
  mutations: PendingMutation[];
  running: boolean;
  /** Why the transaction ended before its function did (its deadline): what any later call throws. */
  ended: Error | undefined;
  outcome: CommitOutcome | undefined;
}

/** A fresh state for one attempt. */
export function newTxState(): TxState {
  return {
    reads: undefined,
    cache: new Map(),
    scans: [],
    writes: new Map(),
    mutations: [],
    running: true,
    ended: undefined,
    outcome: undefined,
  };
}

/** What a transaction needs from its engine. */
export interface TxContext {
  /** A new, lazily pinned snapshot. */
  snapshot(): PgSnapshot;
  clock: Clock;
  /** The time TTL is judged by (never runs backwards). */
  ttlNow: () => number;
  /** Value limits for every stored value. */
  encodeOptions: EncodeOptions;
}

/** The in-process lock identities of everything a transaction depended on (for queued retries). */
export function lockKeys(state: TxState): string[] {
  return [...(state.reads?.keys() ?? []), ...state.scans.map((s) => `range:${keyId(s.start)}`)];
}
