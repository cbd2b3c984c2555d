import type { Database as LmdbDatabase } from 'lmdb';
import { asBuffer, boundedRange, type RawEntry, type ReadView } from './read-view.js';

/** What a commit may do inside the LMDB write transaction. Every call is synchronous. */
export interface WriteScope extends ReadView {
  put(key: Uint8Array, stored: Uint8Array, version: number): void;
  remove(key: Uint8Array): void;
  ttlAdd(expiresAt: number, key: Uint8Array): void;
  /** Adds an expiry-index entry by its index key (`ttlIndexKey`). */
  ttlPutIndexKey(indexKey: Uint8Array): void;
  ttlRemove(indexKey: Uint8Array): void;
  /** Expiry-index entries due at or before `now`, oldest first. */
  ttlDue(now: number, limit: number): { indexKey: Uint8Array; expiresAt: number; key: Uint8Array }[];
  /** Writes the log entry of a batch, keyed by its first commit version. */
  logAppend(first: number, entry: Uint8Array): void;
  logRemove(first: number): void;
  /** Retained log entries from the oldest, at most `limit`. */
  logOldest(limit: number): { first: number; entry: Uint8Array }[];
  metaGet(name: MetaName): number;
  metaSet(name: MetaName, value: number): void;
  /** True when any claim is stored (one cursor step: lets a batch skip per-key claim lookups). */
  claimsAny(): boolean;
  claimGet(key: Uint8Array): Claim | undefined;
  claimPut(key: Uint8Array, claim: Claim): void;
  claimRemove(key: Uint8Array): void;
}

/** A claim on a data key: who holds it and until when (ms since the epoch, wall clock). */
export interface Claim {
  token: string;
  expiresAt: number;
}

/** Numeric records of the meta sub-database. */
export type MetaName = 'version' | 'logTrimmedThrough';

/** The write operations of a scope, named for fault injection (staged-scope.ts, testing.ts). */
export type WriteOp =
  | 'put'
  | 'remove'
  | 'ttlAdd'
  | 'ttlRemove'
  | 'logAppend'
  | 'logRemove'
  | 'metaSet'
  | 'claimPut'
  | 'claimRemove';

/** AgentDB's sub-databases of one LMDB environment. */
export interface SubDatabases {
  data: LmdbDatabase<Buffer, Buffer>;
  log: LmdbDatabase<Buffer, number>;
  ttl: LmdbDatabase<Buffer, Buffer>;
  meta: LmdbDatabase<number, string>;
  claims: LmdbDatabase<Buffer, Buffer>;
}

/** The expiry-index key of `key` expiring at `expiresAt`. */
export function ttlIndexKey(expiresAt: number, key: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(8 + key.length);
  out.writeDoubleBE(expiresAt, 0); // expiries are non-negative, so big-endian doubles sort numerically
  out.set(key, 8);
  return out;
}

/**
 * The scope over the latest state inside the LMDB write transaction. Commits never write to it
 * directly: they work on a `StagedScope` (staged-scope.ts) that writes through to this one only
 * once the whole callback has succeeded.
 */
export function writeScope(dbs: SubDatabases): WriteScope {
  const { data, log, ttl, meta, claims } = dbs;
  return {
    get: (key) => {
      const e = data.getEntry(asBuffer(key));
      return e === undefined
        ? undefined
        : ({ key, stored: e.value, version: e.version ?? 0 } satisfies RawEntry);
    },
    range: (start, end, reverse = false) => boundedRange(data, start, end, reverse, undefined),
    put: (key, stored, version) => {
      data.putSync(asBuffer(key), asBuffer(stored), version);
    },
    remove: (key) => {
      data.removeSync(asBuffer(key));
    },
    ttlAdd: (expiresAt, key) => {
      ttl.putSync(ttlIndexKey(expiresAt, key), Buffer.alloc(0));
    },
    ttlPutIndexKey: (indexKey) => {
      ttl.putSync(asBuffer(indexKey), Buffer.alloc(0));
    },
    ttlRemove: (indexKey) => {
      ttl.removeSync(asBuffer(indexKey));
    },
    ttlDue: (now, limit) => {
      const out: { indexKey: Uint8Array; expiresAt: number; key: Uint8Array }[] = [];
      for (const { key } of ttl.getRange({ start: Buffer.alloc(0), limit })) {
        const expiresAt = key.readDoubleBE(0);
        if (expiresAt > now) break;
        out.push({ indexKey: key, expiresAt, key: key.subarray(8) });
      }
      return out;
    },
    logAppend: (first, entry) => {
      log.putSync(first, asBuffer(entry));
    },
    logRemove: (first) => {
      log.removeSync(first);
    },
    logOldest: (limit) =>
      [...log.getRange({ limit })].map(({ key, value }) => ({ first: key, entry: value })),
    metaGet: (name) => meta.get(name) ?? 0,
    metaSet: (name, value) => {
      meta.putSync(name, value);
    },
    claimsAny: () => {
      for (const _ of claims.getKeys({ limit: 1 })) return true;
      return false;
    },
    claimGet: (key) => {
      const bytes = claims.get(asBuffer(key));
      if (bytes === undefined) return undefined;
      return { expiresAt: bytes.readDoubleBE(0), token: bytes.toString('latin1', 8) };
    },
    claimPut: (key, claim) => {
      const bytes = Buffer.allocUnsafe(8 + claim.token.length);
      bytes.writeDoubleBE(claim.expiresAt, 0);
      bytes.write(claim.token, 8, 'latin1');
      claims.putSync(asBuffer(key), bytes);
    },
    claimRemove: (key) => {
      claims.removeSync(asBuffer(key));
    },
  };
}
