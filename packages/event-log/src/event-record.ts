import { AgentDBError, decodeValue, isValueObject, type Value } from '@agentdb/core';
import type { Event } from './event.js';
import { HASH_LAYOUT_VERSION, isHexHash } from './hash-layout.js';

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
