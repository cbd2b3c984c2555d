import {
  checkBoolean,
  checkOptions,
  checkPositiveInt,
  decodeValue,
  invalidArgument,
  type KeyRange,
} from '@agentdb/core';
import type { Entry, ScanEntry, ScanOptions } from './contract.js';
import type { ReadView } from './read-view.js';
import { entryExpiry, entryValue, isExpired } from './stored-entry.js';

/** Scans and the entry decoding reads share: argument checks, liveness at a time, untracked scans. */

/** Decodes a stored entry that is live at `now`, or `undefined`. */
export function liveEntry(
  stored: Uint8Array | null | undefined,
  version: number,
  now: number,
): Entry | undefined {
  if (stored === null || stored === undefined || isExpired(stored, now)) return undefined;
  const expiresAt = entryExpiry(stored);
  const value = decodeValue(entryValue(stored));
  return expiresAt === undefined ? { value, version } : { value, version, expiresAt };
}

function checkRange(range: unknown): KeyRange {
  // Each bound is read once: the bounds checked are the bounds scanned.
  const { start, end }: Partial<Record<keyof KeyRange, unknown>> =
    range === null || typeof range !== 'object' ? {} : range;
  if (!(start instanceof Uint8Array) || !(end instanceof Uint8Array)) {
    throw invalidArgument(
      'range must be { start: Uint8Array, end: Uint8Array } (use runRange/tagRange from @agentdb/core)',
    );
  }
  return { start, end };
}

const SCAN_OPTIONS: Record<keyof ScanOptions, true> = { limit: true, reverse: true, includeExpired: true };
const SCAN_OPTION_NAMES = Object.keys(SCAN_OPTIONS) as (keyof ScanOptions)[];
const NO_SCAN_OPTIONS = Object.freeze({
  limit: Number.POSITIVE_INFINITY,
  reverse: false,
  includeExpired: false,
});

/** Validates scan options (known names only, read once). Shared by `tx.scan` and `db.scan`. */
export function checkScanOptions(opts: ScanOptions | undefined): {
  limit: number;
  reverse: boolean;
  includeExpired: boolean;
} {
  if (opts === undefined) return NO_SCAN_OPTIONS;
  const { limit, reverse, includeExpired } = checkOptions(opts, SCAN_OPTION_NAMES, 'scan');
  return {
    limit: limit === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt(limit, 'limit'),
    reverse: reverse === undefined ? false : checkBoolean(reverse, 'reverse'),
    includeExpired: includeExpired === undefined ? false : checkBoolean(includeExpired, 'includeExpired'),
  };
}

/** Checks a range and options once, for both scan forms. */
export function checkScan(range: unknown, opts: ScanOptions | undefined) {
  return { ...checkScanOptions(opts), range: checkRange(range) };
}

/** Scans a read view without tracking: the read-only form used by `db.scan`. */
export function* scanView(
  view: ReadView,
  range: KeyRange,
  limit: number,
  reverse: boolean,
  now: number,
): Iterable<ScanEntry> {
  if (Buffer.compare(range.start, range.end) >= 0) return;
  let count = 0;
  for (const e of view.range(range.start, range.end, reverse)) {
    const live = liveEntry(e.stored, e.version, now);
    if (live === undefined) continue;
    yield { key: e.key, value: live.value, version: e.version };
    if (++count >= limit) return; // never pull an entry past the limit
  }
}
