import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

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
 * (eventType, payload) come first so their SHA-256 state can be computed outside the commit and only
 * the 48-byte suffix is hashed while the write lock is held.
 */
export const HASH_LAYOUT_VERSION = 1;

/** The `prevHash` of the first event of every run: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

const HEX_HASH = /^[0-9a-f]{64}$/;

/** True for 64 lowercase hex characters. */
export function isHexHash(v: unknown): v is string {
  return typeof v === 'string' && HEX_HASH.test(v);
}

type Sha256State = ReturnType<typeof sha256.create>;

/** The SHA-256 state after the fields known before commit. Reusable: `chainHash` clones it. */
export type HashPrefix = Sha256State;

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function prefixBytes(eventType: string, payload: Uint8Array): Uint8Array[] {
  const type = new TextEncoder().encode(eventType);
  return [Uint8Array.of(HASH_LAYOUT_VERSION), u32(type.length), type, u32(payload.length), payload];
}

function suffixBytes(sequence: number, timestamp: number, prevHash: string): Uint8Array {
  const out = new Uint8Array(48);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(sequence));
  view.setBigUint64(8, BigInt(timestamp));
  out.set(hexToBytes(prevHash), 16);
  return out;
}

/**
 * Starts the hash of an event with the fields known before its sequence is assigned.
 *
 * @example
 * const prefix = hashPrefix('tool_call', encodeValue({ tool: 'search' }));
 */
export function hashPrefix(eventType: string, payload: Uint8Array): HashPrefix {
  const h = sha256.create();
  for (const part of prefixBytes(eventType, payload)) h.update(part);
  return h;
}

/**
 * Finishes an event's hash from its prefix state (left untouched) and the commit-time fields.
 *
 * @example
 * chainHash(hashPrefix('start', encodeValue(null)), 0, 1_700_000_000_000, GENESIS_HASH);
 */
export function chainHash(prefix: HashPrefix, sequence: number, timestamp: number, prevHash: string): string {
  return bytesToHex(
    prefix
      .clone()
      .update(suffixBytes(sequence, timestamp, prevHash))
      .digest(),
  );
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
  const parts = [
    ...prefixBytes(fields.eventType, fields.payloadBytes),
    suffixBytes(fields.sequence, fields.timestamp, fields.prevHash),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
