import { crc32 } from 'node:zlib';
import { AgentDBError, decodeValue, runIdOfKey, type Value } from '@agentdb/core';
import { entryExpiry, entryValue } from './stored-entry.js';

/**
 * The commit log (WAL), written in the same LMDB transaction as the data. One log entry per LMDB
 * write transaction (a group-commit batch) holds the records of every commit in it, so logging costs
 * one LMDB write per batch rather than per commit. `db.changes()` still yields one record per commit.
 *
 * Entry key: the first commit version in the batch. Entry value (all integers big-endian):
 *   CRC-32 over everything after it (u32) ‖ format (u8 = 2) ‖ last version (f64) ‖ timestamp (f64)
 *   ‖ commit count (u32) ‖ per commit, in version order (first, first + 1, …):
 *       write count (u32) ‖ per write: key length (u16) ‖ key ‖ stored length (u32; 0xFFFFFFFF = delete) ‖ stored entry
 * Entries are logged byte-for-byte as stored, so replay is exact. All commits of a batch share its
 * timestamp: they became durable in the same LMDB transaction. A commit's run ids are not stored: they
 * are read from its keys when the record is decoded (format 1 also stored them, as a u16 count and
 * length-prefixed ASCII ids before the write count; it is still read). A plain length-prefixed layout
 * keeps the hot path to one allocation and a few copies.
 */
const FORMAT = 2;
const FORMAT_WITH_RUN_IDS = 1;
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

/** Accumulates the commits of one batch, encoding each as it is added, into one log entry. */
export class LogEntryBuilder {
  // Small to start (a lone commit logs ~100 bytes; a 64 KiB start cost 3% of a sequential commit), doubled
  // as needed. Under 4 KiB, so it is a slice of Node's buffer pool: 4 KiB itself is a fresh allocation
  // (~3 µs, measured).
  #out = Buffer.allocUnsafe(2048);
  #at = HEADER + 4;
  #first = 0;
  #count = 0;

  #reserve(bytes: number): void {
    if (this.#at + bytes <= this.#out.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#out.length * 2, this.#at + bytes));
    this.#out.copy(grown, 0, 0, this.#at);
    this.#out = grown;
  }

  /** Adds the next commit (its version follows the previous one's). */
  add(version: number, writes: ReadonlyMap<string, LoggedWrite>): void {
    let size = 4;
    for (const w of writes.values()) size += 2 + w.key.length + 4 + (w.stored?.length ?? 0);
    if (this.#count === 0) this.#first = version;
    this.#count++;
    this.#reserve(size);
    // Plain byte stores for the lengths: this runs once per write of every commit, and Buffer's write
    // methods re-validate their arguments on each call. Every length is bounded (keys ≤ 1,900 bytes,
    // values ≤ maxValueBytes).
    const out = this.#out;
    let at = u32(out, this.#at, writes.size);
    for (const w of writes.values()) {
      at = u16(out, at, w.key.length);
      out.set(w.key, at);
      at += w.key.length;
      if (w.stored === null) at = u32(out, at, DELETED);
      else {
        at = u32(out, at, w.stored.length);
        out.set(w.stored, at);
        at += w.stored.length;
      }
    }
    this.#at = at;
  }

  get empty(): boolean {
    return this.#count === 0;
  }

  /** The entry's key (first version) and bytes (valid until the next `add`). */
  encode(timestamp: number): { first: number; bytes: Uint8Array } {
    const out = this.#out;
    out[4] = FORMAT;
    out.writeDoubleBE(this.#first + this.#count - 1, 5);
    out.writeDoubleBE(timestamp, 13);
    out.writeUInt32BE(this.#count, 21);
    out.writeUInt32BE(crc32(out.subarray(4, this.#at)), 0);
    return { first: this.#first, bytes: out.subarray(0, this.#at) };
  }
}

/** Writes `n` as a big-endian u16 at `at`; returns the end. */
function u16(out: Buffer, at: number, n: number): number {
  out[at] = n >>> 8;
  out[at + 1] = n & 0xff;
  return at + 2;
}

/** Writes `n` as a big-endian u32 at `at`; returns the end. */
function u32(out: Buffer, at: number, n: number): number {
  out[at] = n >>> 24;
  out[at + 1] = (n >>> 16) & 0xff;
  out[at + 2] = (n >>> 8) & 0xff;
  out[at + 3] = n & 0xff;
  return at + 4;
}

/** The header of a log entry, read without a checksum check. */
function headerOf(buf: Buffer): { last: number; timestamp: number } {
  return { last: buf.readDoubleBE(5), timestamp: buf.readDoubleBE(13) };
}

/**
 * The header of a log entry whose checksum holds (no body decode), or `undefined` for a damaged
 * entry: for retention, which must never trust — or throw on — a damaged entry inside a commit.
 */
export function logEntryHeader(bytes: Uint8Array): { last: number; timestamp: number } | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.length < HEADER + 4 || buf.readUInt32BE(0) !== crc32(buf.subarray(4))) return undefined;
  return headerOf(buf);
}

/** Decodes a log entry into its commits; a bad checksum, layout or numbering is `CORRUPTION`. */
export function decodeLogEntry(first: number, bytes: Uint8Array): LoggedCommit[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const where = `commit-log entry ${first}`;
  if (buf.length < HEADER + 4 || buf.readUInt32BE(0) !== crc32(buf.subarray(4))) {
    throw new AgentDBError('CORRUPTION', `${where} fails its checksum`);
  }
  const format = buf[4];
  if (format !== FORMAT && format !== FORMAT_WITH_RUN_IDS) {
    throw new AgentDBError('CORRUPTION', `${where} has unknown format ${format}`);
  }
  const { last, timestamp } = headerOf(buf);
  const count = buf.readUInt32BE(HEADER);
  if (first + count - 1 !== last)
    throw new AgentDBError('CORRUPTION', `${where} holds ${count} commits but ends at ${last}`);
  const commits: LoggedCommit[] = [];
  let at = HEADER + 4;
  try {
    for (let i = 0; i < count; i++) {
      let stored: string[] | undefined;
      if (format === FORMAT_WITH_RUN_IDS) {
        stored = [];
        const runCount = buf.readUInt16BE(at);
        at += 2;
        for (let r = 0; r < runCount; r++) {
          const len = buf[at++]!;
          stored.push(buf.toString('latin1', at, at + len));
          at += len;
        }
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
      commits.push({ version: first + i, timestamp, runIds: stored ?? runIdsOf(writes), writes });
    }
  } catch (cause) {
    throw new AgentDBError('CORRUPTION', `${where} is truncated (${String(cause)})`, { cause });
  }
  if (at !== buf.length)
    throw new AgentDBError('CORRUPTION', `${where} has ${buf.length - at} trailing bytes`);
  return commits;
}

/** The runs a commit touched, in the order its writes first touch them (system keys belong to none). */
function runIdsOf(writes: readonly LoggedWrite[]): string[] {
  const runIds: string[] = [];
  for (const w of writes) {
    const runId = runIdOfKey(w.key);
    if (runId !== undefined && !runIds.includes(runId)) runIds.push(runId);
  }
  return runIds;
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
