import { hash } from 'node:crypto';
import { AgentDBError } from '@agentdb/core';

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
 * const bytes = hashedBytes({ sequence: 0, eventType: 'start', timestamp: 0, payloadBytes, prevHash: GENESIS_HASH });
 * createHash('sha256').update(bytes).digest('hex') === event.hash;
 */
export function hashedBytes(fields: HashedFields): Uint8Array {
  const bytes = hashPrefix(fields.eventType, fields.payloadBytes);
  fillSuffix(bytes, fields.sequence, fields.timestamp, fields.prevHash);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
