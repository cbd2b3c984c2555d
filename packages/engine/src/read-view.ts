import type { Database as LmdbDatabase, Transaction as LmdbReadTxn } from 'lmdb';

/** One stored data entry: the stored bytes (see stored-entry.ts) and its entry version. */
export interface RawEntry {
  key: Uint8Array;
  stored: Uint8Array;
  version: number;
}

/** Reads against one consistent state: a pinned snapshot, or the write transaction itself. */
export interface ReadView {
  get(key: Uint8Array): RawEntry | undefined;
  /** Entries in `[start, end)`, ascending, or descending with `reverse`. Lazy. */
  range(start: Uint8Array, end: Uint8Array, reverse?: boolean): Iterable<RawEntry>;
}

/** A Buffer view of `b` (no copy). */
export function asBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length);
}

/** The entries of `db` in `[start, end)` (walked downwards with `reverse`), in `transaction` or the latest state. */
export function* boundedRange(
  db: LmdbDatabase<Buffer, Buffer>,
  start: Uint8Array,
  end: Uint8Array,
  reverse: boolean,
  transaction: LmdbReadTxn | undefined,
): Iterable<RawEntry> {
  const base = transaction === undefined ? {} : { transaction };
  if (!reverse) {
    for (const e of db.getRange({ ...base, start: asBuffer(start), end: asBuffer(end), versions: true })) {
      yield { key: e.key, stored: e.value, version: e.version ?? 0 };
    }
    return;
  }
  // lmdb-js reverse ranges include `start` and exclude `end`; we need [start, end) walked downwards.
  for (const e of db.getRange({ ...base, start: asBuffer(end), reverse: true, versions: true })) {
    if (Buffer.compare(e.key, end) >= 0) continue;
    if (Buffer.compare(e.key, start) < 0) return;
    yield { key: e.key, stored: e.value, version: e.version ?? 0 };
  }
}
