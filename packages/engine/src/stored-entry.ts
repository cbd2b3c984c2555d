/**
 * The byte layout of one stored data entry: a flags byte, an optional big-endian float64 expiry
 * (ms since the epoch), then the CBOR value. Keeping expiry inside the entry means a read needs one
 * lookup to honour TTL, and the commit log can carry entries byte-for-byte.
 */
import { AgentDBError } from '@agentdb/core';

const HAS_EXPIRY = 0x01;

/** Any other flag bit means the bytes were not written by this engine. */
function flags(stored: Uint8Array): number {
  const f = stored[0];
  if (f === undefined || (f & ~HAS_EXPIRY) !== 0 || stored.length < (f === HAS_EXPIRY ? 9 : 1)) {
    throw new AgentDBError('CORRUPTION', `stored entry has an unknown header (flags ${String(f)})`);
  }
  return f;
}

/** Builds the stored bytes of an entry. */
export function packEntry(value: Uint8Array, expiresAt: number | undefined): Uint8Array {
  if (expiresAt === undefined) {
    const out = Buffer.allocUnsafe(1 + value.length);
    out[0] = 0;
    out.set(value, 1);
    return out;
  }
  const out = Buffer.allocUnsafe(9 + value.length);
  out[0] = HAS_EXPIRY;
  out.writeDoubleBE(expiresAt, 1);
  out.set(value, 9);
  return out;
}

/** The expiry of stored bytes, if any. */
export function entryExpiry(stored: Uint8Array): number | undefined {
  if ((flags(stored) & HAS_EXPIRY) === 0) return undefined;
  return Buffer.from(stored.buffer, stored.byteOffset, stored.length).readDoubleBE(1);
}

/** The CBOR value bytes inside stored bytes: a plain `Uint8Array` view, what `decodeValue` reads fastest. */
export function entryValue(stored: Uint8Array): Uint8Array {
  const at = (flags(stored) & HAS_EXPIRY) === 0 ? 1 : 9;
  return new Uint8Array(stored.buffer, stored.byteOffset + at, stored.length - at);
}

/** True when stored bytes carry an expiry at or before `now`. */
export function isExpired(stored: Uint8Array, now: number): boolean {
  const at = entryExpiry(stored);
  return at !== undefined && at <= now;
}
