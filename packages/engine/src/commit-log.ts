import { crc32 } from 'node:zlib';
import { AgentDBError, decodeValue, runIdOfKey, type Value } from '@agentdb/core';
import { entryExpiry, entryValue } from './stored-entry.js';

/**
 * The commit log (WAL), written in the same LMDB transaction as the data. One log entry per LMDB
 * write transaction (a group-commit batch) holds the records of every commit in it, so logging costs
 * one LMDB write per batch rather than per commit. `db.changes()` still yields one record per commit.
 *
 * Entry key: the first commit version in the batch. Entry value (all integers big-endian):
 *   CRC-32 over everything after it (u32) ‖ format (u8 = 1) ‖ last version (f64) ‖ timestamp (f64)
 *   ‖ commit count (u32) ‖ per commit, in version order (first, first + 1, …):
 *       run-id count (u16) ‖ per run id: length (u8) ‖ ASCII bytes
 *       ‖ write count (u32) ‖ per write: key length (u16) ‖ key ‖ stored length (u32; 0xFFFFFFFF = delete) ‖ stored entry
 * Entries are logged byte-for-byte as stored, so replay is exact. All commits of a batch share its
 * timestamp: they became durable in the same LMDB transaction. A plain length-prefixed layout keeps the
 * hot path to one allocation and a few copies.
 */
const FORMAT = 1;
const HEADER = 21; // CRC (4) + format (1) + last version (8) + timestamp (8)
const DELETED = 0xffffffff;

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

interface PendingCommit {
  runIds: string[];
  writes: ReadonlyMap<string, LoggedWrite>;
}

/** Accumulates the commits of one batch and encodes them as one log entry. */
export class LogEntryBuilder {
  readonly #commits: PendingCommit[] = [];
  #first = 0;
  #size = HEADER;

  /** Adds the next commit; `writes` is kept (not copied) until `encode`. */
  add(version: number, writes: ReadonlyMap<string, LoggedWrite>): void {
    if (this.#commits.length === 0) this.#first = version;
    const runIds: string[] = [];
    let size = 2 + 4;
    for (const w of writes.values()) {
      const runId = runIdOfKey(w.key);
      if (runId !== undefined && !runIds.includes(runId)) {
        runIds.push(runId);
        size += 1 + runId.length;
      }
      size += 2 + w.key.length + 4 + (w.stored?.length ?? 0);
    }
    this.#commits.push({ runIds, writes });
    this.#size += size;
  }

  get empty(): boolean {
    return this.#commits.length === 0;
  }

  /** The entry's key (first version) and bytes. */
  encode(timestamp: number): { first: number; bytes: Uint8Array } {
    const out = Buffer.allocUnsafe(this.#size + 4);
    out[4] = FORMAT;
    out.writeDoubleBE(this.#first + this.#commits.length - 1, 5);
    out.writeDoubleBE(timestamp, 13);
    out.writeUInt32BE(this.#commits.length, 21);
    let at = HEADER + 4;
    for (const c of this.#commits) {
      at = out.writeUInt16BE(c.runIds.length, at);
      for (const r of c.runIds) {
        out[at++] = r.length;
        // Run ids are ASCII (validated), so each UTF-16 unit is its byte.
        for (let i = 0; i < r.length; i++) out[at++] = r.charCodeAt(i);
      }
      at = out.writeUInt32BE(c.writes.size, at);
      for (const w of c.writes.values()) {
        at = out.writeUInt16BE(w.key.length, at);
        out.set(w.key, at);
        at += w.key.length;
        if (w.stored === null) at = out.writeUInt32BE(DELETED, at);
        else {
          at = out.writeUInt32BE(w.stored.length, at);
          out.set(w.stored, at);
          at += w.stored.length;
        }
      }
    }
    out.writeUInt32BE(crc32(out.subarray(4, at)), 0);
    return { first: this.#first, bytes: out.subarray(0, at) };
  }
}

/** The header of a log entry (no checksum check, no body decode): for retention. */
export function logEntryHeader(bytes: Uint8Array): { last: number; timestamp: number } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  return { last: buf.readDoubleBE(5), timestamp: buf.readDoubleBE(13) };
}

/** Decodes a log entry into its commits; a bad checksum, layout or numbering is `CORRUPTION`. */
export function decodeLogEntry(first: number, bytes: Uint8Array): LoggedCommit[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const where = `commit-log entry ${first}`;
  if (buf.length < HEADER + 4 || buf.readUInt32BE(0) !== crc32(buf.subarray(4))) {
    throw new AgentDBError('CORRUPTION', `${where} fails its checksum`);
  }
  if (buf[4] !== FORMAT) throw new AgentDBError('CORRUPTION', `${where} has unknown format ${buf[4]}`);
  const { last, timestamp } = logEntryHeader(buf);
  const count = buf.readUInt32BE(HEADER);
  if (first + count - 1 !== last)
    throw new AgentDBError('CORRUPTION', `${where} holds ${count} commits but ends at ${last}`);
  const commits: LoggedCommit[] = [];
  let at = HEADER + 4;
  try {
    for (let i = 0; i < count; i++) {
      const runIds: string[] = [];
      const runCount = buf.readUInt16BE(at);
      at += 2;
      for (let r = 0; r < runCount; r++) {
        const len = buf[at++]!;
        runIds.push(buf.toString('latin1', at, at + len));
        at += len;
      }
      const writeCount = buf.readUInt32BE(at);
      at += 4;
      const writes: LoggedWrite[] = [];
      for (let w = 0; w < writeCount; w++) {
        const keyLen = buf.readUInt16BE(at);
        const key = buf.subarray(at + 2, at + 2 + keyLen);
        at += 2 + keyLen;
        const storedLen = buf.readUInt32BE(at);
        at += 4;
        if (storedLen === DELETED) writes.push({ key, stored: null });
        else {
          writes.push({ key, stored: buf.subarray(at, at + storedLen) });
          at += storedLen;
        }
      }
      commits.push({ version: first + i, timestamp, runIds, writes });
    }
  } catch (cause) {
    throw new AgentDBError('CORRUPTION', `${where} is truncated (${String(cause)})`, { cause });
  }
  if (at !== buf.length)
    throw new AgentDBError('CORRUPTION', `${where} has ${buf.length - at} trailing bytes`);
  return commits;
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
      return expiresAt === undefined
        ? { type: 'put', key: w.key, value }
        : { type: 'put', key: w.key, value, expiresAt };
    }),
  };
}
