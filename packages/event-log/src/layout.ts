import { hash } from 'node:crypto';
import {
  AgentDBError,
  decodeValue,
  type EncodedKey,
  isValueObject,
  Key,
  type KeyRange,
  MAX_KEY_STRING_BYTES,
  TypeTag,
  tagRange,
  type Value,
} from '@agentdb/core';
import type { Event } from './types.js';

/*
 * How an event log is laid out: its keys, the records stored under them, and the byte layout its
 * hash chain covers. Everything here is pure (no reads or writes).
 */

// ─── Keys ───────────────────────────────────────────────────────────────────────────────────────

/**
 * Key layout of one run's log, all under `TypeTag.Event`:
 *
 * - `(seq)` — the event record (`Key.event(runId, seq)`); numeric first parts sort before every string
 *   part, so the events are one contiguous range that no other key of the log can fall into;
 * - `('meta')` — `{ v, length, head, timestamp }`: the next sequence, the head's hash and timestamp;
 * - `('by-type', eventType, seq)` → `seq` — the type index;
 * - `('by-type-sha256', hex(sha256(eventType)), seq)` → `seq` — the type index for event types whose
 *   UTF-8 form exceeds the 512-byte limit of a key string (only possible with many non-ASCII characters).
 */
const META = 'meta';
const BY_TYPE = 'by-type';
const BY_TYPE_DIGEST = 'by-type-sha256';

/** One past the highest sequence a log can hold; bounds the event range. */
export const SEQUENCE_LIMIT = Number.MAX_SAFE_INTEGER;

/** The key of a run's log metadata. */
export function metaKey(runId: string): EncodedKey {
  return Key.of(TypeTag.Event, runId, META);
}

function typeParts(eventType: string): [string, string] {
  return Buffer.byteLength(eventType, 'utf8') <= MAX_KEY_STRING_BYTES
    ? [BY_TYPE, eventType]
    : [BY_TYPE_DIGEST, hash('sha256', eventType, 'hex')];
}

/** The type-index entry of event `sequence`. */
export function typeIndexKey(runId: string, eventType: string, sequence: number): EncodedKey {
  return Key.extend(typeIndexPrefix(runId, eventType), sequence);
}

/**
 * The type-index key of an event type without its sequence: an append builds it before its commit and
 * `Key.extend`s it with the sequence inside the commit, so the lock is held for one part, not four.
 */
export function typeIndexPrefix(runId: string, eventType: string): EncodedKey {
  return Key.of(TypeTag.Event, runId, ...typeParts(eventType));
}

/** Every type-index entry of one event type. */
export function typeIndexRange(runId: string, eventType: string): KeyRange {
  return tagRange(runId, TypeTag.Event, ...typeParts(eventType));
}

/** Every type-index entry of a run (both forms), for verification. */
export function allTypeIndexRanges(runId: string): KeyRange[] {
  return [tagRange(runId, TypeTag.Event, BY_TYPE), tagRange(runId, TypeTag.Event, BY_TYPE_DIGEST)];
}

/** Events with sequences in `[from, to)`. */
export function eventRange(runId: string, from: number, to = SEQUENCE_LIMIT): KeyRange {
  return { start: Key.event(runId, from), end: Key.event(runId, to) };
}

// ─── The hashed byte layout ─────────────────────────────────────────────────────────────────

/**
 * The hashed byte layout of an event, version 1. All integers are unsigned big-endian.
 *
 * | offset      | size | field                                            |
 * |-------------|------|--------------------------------------------------|
 * | 0           | 1    | layout version = 0x01                            |
 * | 1           | 4    | n = UTF-8 byte length of `eventType`             |
 * | 5           | n    | `eventType` in UTF-8                             |
 * | 5+n         | 4    | m = byte length of the payload                   |
 * | 9+n         | m    | payload bytes: the CBOR stored with the event    |
 * | 9+n+m       | 8    | `sequence`                                       |
 * | 17+n+m      | 8    | `timestamp` (ms since the epoch)                 |
 * | 25+n+m      | 32   | `prevHash` as 32 raw bytes (64 zero hex → zeros) |
 *
 * `hash` = lowercase hex of SHA-256 over these 57+n+m bytes. The fields known before commit
 * (eventType, payload) come first, so the whole layout is laid out once when the event is appended and
 * only the 48-byte suffix is filled in while the write lock is held; the digest is one call into
 * Node's native SHA-256.
 */
export const HASH_LAYOUT_VERSION = 1;

/** The `prevHash` of the first event of every run: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

const SUFFIX_BYTES = 48;
const TWO_POW_32 = 2 ** 32;

/** True for 64 lowercase hex characters. */
export function isHexHash(v: unknown): v is string {
  if (typeof v !== 'string' || v.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = v.charCodeAt(i);
    // 0-9 or a-f
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * An event's hashed bytes with the fields known before commit filled in and room for the commit-time
 * suffix. `chainHash` fills the suffix in place and hashes the whole: the same prefix can be finished
 * any number of times (a retried commit), each call overwriting the suffix completely.
 */
export type HashPrefix = Buffer;

function writeU64(out: Buffer, at: number, n: number): void {
  out.writeUInt32BE(Math.floor(n / TWO_POW_32), at);
  out.writeUInt32BE(n >>> 0, at + 4);
}

/**
 * Lays out the hashed bytes of an event with the fields known before its sequence is assigned.
 *
 * @example
 * const prefix = hashPrefix('tool_call', encodeValue({ tool: 'search' }));
 */
export function hashPrefix(eventType: string, payload: Uint8Array): HashPrefix {
  const typeLength = Buffer.byteLength(eventType, 'utf8');
  const out = Buffer.allocUnsafe(9 + typeLength + payload.length + SUFFIX_BYTES);
  out[0] = HASH_LAYOUT_VERSION;
  out.writeUInt32BE(typeLength, 1);
  out.write(eventType, 5, 'utf8');
  out.writeUInt32BE(payload.length, 5 + typeLength);
  out.set(payload, 9 + typeLength);
  return out;
}

function fillSuffix(bytes: HashPrefix, sequence: number, timestamp: number, prevHash: string): void {
  const at = bytes.length - SUFFIX_BYTES;
  writeU64(bytes, at, sequence);
  writeU64(bytes, at + 8, timestamp);
  // `write` stops at the first character that is not hex: a short write is a malformed hash.
  if (!isHexHash(prevHash) || bytes.write(prevHash, at + 16, 32, 'hex') !== 32) {
    throw new AgentDBError('CORRUPTION', `prevHash ${JSON.stringify(prevHash)} is not a 64-digit hex hash`);
  }
}

/**
 * Finishes an event's hash from its prefix and the commit-time fields.
 *
 * @example
 * chainHash(hashPrefix('start', encodeValue(null)), 0, 1_700_000_000_000, GENESIS_HASH);
 */
export function chainHash(prefix: HashPrefix, sequence: number, timestamp: number, prevHash: string): string {
  fillSuffix(prefix, sequence, timestamp, prevHash);
  return hash('sha256', prefix, 'hex');
}

/** The fields an event's hash covers. */
export interface HashedFields {
  sequence: number;
  eventType: string;
  timestamp: number;
  /** The payload's stored CBOR bytes. */
  payloadBytes: Uint8Array;
  prevHash: string;
}

/**
 * The exact bytes hashed for an event (layout version 1): what an independent verifier feeds to
 * SHA-256. Published so a chain can be checked without this package.
 *
 * @example
 * const event = await events.append('run-1', 'start', { ok: true });
 * const record = (await db.get(Key.event('run-1', event.sequence))) as { payload: Uint8Array };
 * const bytes = hashedBytes({ ...event, payloadBytes: record.payload });
 * createHash('sha256').update(bytes).digest('hex') === event.hash; // true
 */
export function hashedBytes(fields: HashedFields): Uint8Array {
  const bytes = hashPrefix(fields.eventType, fields.payloadBytes);
  fillSuffix(bytes, fields.sequence, fields.timestamp, fields.prevHash);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

// ─── Stored records ─────────────────────────────────────────────────────────────────────────────

/**
 * The stored forms of events and of a log's metadata. An event record keeps the payload as the exact
 * CBOR bytes that were hashed (a byte string inside the record), so verification never re-encodes;
 * `v` is the hash-layout version the record was chained with.
 */
export interface StoredEvent {
  v: number;
  sequence: number;
  eventType: string;
  timestamp: number;
  payload: Uint8Array;
  prevHash: string;
  hash: string;
}

/** What the per-run metadata record holds: enough for O(1) `len`, `head` and the next append. */
export interface LogMeta {
  /** Number of events; the next append gets this sequence. */
  length: number;
  /** The last event's hash (64 zeros when empty). */
  head: string;
  /** The last event's timestamp (0 when empty). */
  timestamp: number;
}

const META_VERSION = 1;

function corrupt(message: string): AgentDBError {
  return new AgentDBError('CORRUPTION', message);
}

const isRecord = isValueObject;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** The stored value of an event. */
export function eventRecord(e: Omit<StoredEvent, 'v'>): Value {
  return {
    v: HASH_LAYOUT_VERSION,
    sequence: e.sequence,
    eventType: e.eventType,
    timestamp: e.timestamp,
    payload: e.payload,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

/** Checks the shape of a stored event; `CORRUPTION` naming what is wrong otherwise. */
export function parseEventRecord(value: Value | undefined): StoredEvent {
  if (!isRecord(value)) throw corrupt('the event record is not an object');
  const { v, sequence, eventType, timestamp, payload, prevHash, hash } = value;
  if (v !== HASH_LAYOUT_VERSION) throw corrupt(`the event record has unknown layout version ${String(v)}`);
  if (!isCount(sequence)) throw corrupt('the event record has no valid sequence');
  if (typeof eventType !== 'string' || eventType.length === 0)
    throw corrupt('the event record has no valid eventType');
  if (!isCount(timestamp)) throw corrupt('the event record has no valid timestamp');
  if (!(payload instanceof Uint8Array)) throw corrupt('the event record has no payload bytes');
  if (!isHexHash(prevHash)) throw corrupt('the event record has no valid prevHash');
  if (!isHexHash(hash)) throw corrupt('the event record has no valid hash');
  return { v, sequence, eventType, timestamp, payload, prevHash, hash };
}

/** The public `Event` of a stored record (decodes the payload bytes). */
export function toEvent(rec: StoredEvent): Event {
  return {
    sequence: rec.sequence,
    eventType: rec.eventType,
    payload: decodeValue(rec.payload),
    timestamp: rec.timestamp,
    prevHash: rec.prevHash,
    hash: rec.hash,
  };
}

/** The stored value of a log's metadata. */
export function metaRecord(meta: LogMeta): Value {
  return { v: META_VERSION, length: meta.length, head: meta.head, timestamp: meta.timestamp };
}

/** The metadata of a log, `undefined` when the log has never been appended to; `CORRUPTION` if malformed. */
export function parseMeta(value: Value | undefined): LogMeta | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || value.v !== META_VERSION)
    throw corrupt('the event log metadata record is malformed');
  const { length, head, timestamp } = value;
  if (!isCount(length) || !isHexHash(head) || !isCount(timestamp)) {
    throw corrupt('the event log metadata record is malformed');
  }
  return { length, head, timestamp };
}

/** The event stored at `sequence`; `CORRUPTION` if the record is malformed or names another sequence. */
export function eventAt(value: Value, sequence: number): Event {
  const rec = parseEventRecord(value);
  if (rec.sequence !== sequence) {
    throw new AgentDBError(
      'CORRUPTION',
      `the record stored as event ${sequence} says sequence ${rec.sequence}`,
    );
  }
  return toEvent(rec);
}
