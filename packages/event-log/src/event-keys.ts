import { hash } from 'node:crypto';
import { type EncodedKey, Key, type KeyRange, MAX_KEY_STRING_BYTES, TypeTag, tagRange } from '@agentdb/core';

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
  return Key.of(TypeTag.Event, runId, ...typeParts(eventType), sequence);
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
