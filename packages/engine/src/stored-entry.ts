/**
 * The byte layout of one stored data entry: a flags byte, an optional big-endian float64 expiry
 * (ms since the epoch), then the CBOR value. Keeping expiry inside the entry means a read needs one
 * lookup to honour TTL, and the commit log can carry entries byte-for-byte.
 */
const HAS_EXPIRY = 0x01;

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
  if ((stored[0]! & HAS_EXPIRY) === 0) return undefined;
  return Buffer.from(stored.buffer, stored.byteOffset, stored.length).readDoubleBE(1);
}

/** The CBOR value bytes inside stored bytes. */
export function entryValue(stored: Uint8Array): Uint8Array {
  return stored.subarray((stored[0]! & HAS_EXPIRY) === 0 ? 1 : 9);
}

/** True when stored bytes carry an expiry at or before `now`. */
export function isExpired(stored: Uint8Array, now: number): boolean {
  const at = entryExpiry(stored);
  return at !== undefined && at <= now;
}
