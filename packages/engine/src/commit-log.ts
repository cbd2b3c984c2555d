import { crc32 } from 'node:zlib';
import { AgentDBError, decodeValue, encodeTrusted, type Value } from '@agentdb/core';
import { entryExpiry, entryValue } from './stored-entry.js';

/**
 * The commit log (WAL): one record per commit, written in the same LMDB transaction as the data.
 * Record layout: CRC-32 (big-endian, over the rest) ‖ CBOR `[format, version, timestamp, runIds,
 * [[key, storedEntry | null], …]]`. Entries are logged byte-for-byte as stored, so replay is exact.
 */
const FORMAT = 1;

/** One write of a commit as logged: the stored entry bytes, or `null` for a delete. */
export interface LoggedWrite {
  key: Uint8Array;
  stored: Uint8Array | null;
}

/** A decoded commit record, with raw entry bytes. */
export interface LoggedCommit {
  version: number;
  timestamp: number;
  runIds: string[];
  writes: LoggedWrite[];
}

/** A write as `db.changes()` reports it. */
export type CommitWrite =
  | { type: 'put'; key: Uint8Array; value: Value; expiresAt?: number }
  | { type: 'delete'; key: Uint8Array };

/** A commit as `db.changes()` reports it. */
export interface CommitRecord {
  version: number;
  timestamp: number;
  runIds: string[];
  writes: CommitWrite[];
}

/** Encodes a commit record with its checksum. */
export function encodeCommit(c: LoggedCommit): Uint8Array {
  const body = encodeTrusted([FORMAT, c.version, c.timestamp, c.runIds, c.writes.map((w) => [w.key, w.stored])]);
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(crc32(body), 0);
  out.set(body, 4);
  return out;
}

/** Decodes a commit record; a bad checksum or shape is `CORRUPTION`. */
export function decodeCommit(bytes: Uint8Array, expectedVersion?: number): LoggedCommit {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < 5 || buf.readUInt32BE(0) !== crc32(buf.subarray(4))) {
    throw new AgentDBError('CORRUPTION', `commit record ${expectedVersion ?? '?'} fails its checksum`);
  }
  const raw = decodeValue(buf.subarray(4));
  if (!Array.isArray(raw) || raw[0] !== FORMAT || raw.length !== 5) {
    throw new AgentDBError('CORRUPTION', `commit record ${expectedVersion ?? '?'} has an unknown layout`);
  }
  const [, version, timestamp, runIds, writes] = raw as [number, number, number, string[], [Uint8Array, Uint8Array | null][]];
  if (expectedVersion !== undefined && version !== expectedVersion) {
    throw new AgentDBError('CORRUPTION', `commit record stored at ${expectedVersion} claims version ${version}`);
  }
  return { version, timestamp, runIds, writes: writes.map(([key, stored]) => ({ key, stored })) };
}

/** The public form of a logged commit. */
export function toCommitRecord(c: LoggedCommit): CommitRecord {
  return {
    version: c.version,
    timestamp: c.timestamp,
    runIds: c.runIds,
    writes: c.writes.map((w): CommitWrite => {
      if (w.stored === null) return { type: 'delete', key: w.key };
      const expiresAt = entryExpiry(w.stored);
      const value = decodeValue(entryValue(w.stored));
      return expiresAt === undefined ? { type: 'put', key: w.key, value } : { type: 'put', key: w.key, value, expiresAt };
    }),
  };
}
