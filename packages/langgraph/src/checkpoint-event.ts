import { createHash } from 'node:crypto';
import type { Value } from '@agentdb/primitives';
import type { BlobRecord, CheckpointRecord } from './checkpoint-records.js';

/** The event type of the event every `put` appends to the thread's run. */
export const CHECKPOINT_EVENT = 'langgraph.checkpoint';

/** The payload of a `langgraph.checkpoint` event. */
export interface CheckpointEventPayload {
  checkpointId: string;
  /** The checkpoint it follows, or null for the first of a namespace (or a fork's root). */
  parentId: string | null;
  /** The checkpoint namespace (`''` for the root graph). */
  ns: string;
  /** `metadata.step` (-1 for the input checkpoint), or null when the metadata has none. */
  step: number | null;
  /** `metadata.source` (`input`, `loop`, `update`, `fork`), or null when the metadata has none. */
  source: string | null;
  /** SHA-256 (hex) of the stored checkpoint, its metadata and the channel values this put wrote. */
  digest: string;
}

/**
 * SHA-256 over the bytes `put` stores for one checkpoint, so the event chain covers content, not only
 * ids. Layout (version 1): each part is a 4-byte big-endian length and its bytes; strings are UTF-8;
 * the parts are `agentdb-langgraph-checkpoint/1`, ns, checkpoint id, parent id (`''` if none),
 * checkpoint type and bytes, metadata type and bytes, then per blob in `record.blobs` order: channel,
 * version (`n:` or `s:` + its text), and either `v` + type + bytes or `-` for an emptied channel.
 *
 * @example
 * const digest = checkpointDigest('', checkpoint.id, record, blobs);
 */
export function checkpointDigest(
  ns: string,
  checkpointId: string,
  record: CheckpointRecord,
  blobs: readonly (BlobRecord | undefined)[],
): string {
  const hash = createHash('sha256');
  const part = (p: string | Uint8Array) => {
    const bytes = typeof p === 'string' ? Buffer.from(p, 'utf8') : p;
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    hash.update(len);
    hash.update(bytes);
  };
  part('agentdb-langgraph-checkpoint/1');
  part(ns);
  part(checkpointId);
  part(record.parentId ?? '');
  part(record.checkpoint.type);
  part(record.checkpoint.bytes);
  part(record.metadata.type);
  part(record.metadata.bytes);
  record.blobs.forEach(([channel, version], i) => {
    part(channel);
    part(typeof version === 'number' ? `n:${version}` : `s:${version}`);
    const blob = blobs[i];
    // A blob the record lists but the store lacks hashes differently from every stored value.
    if (blob === undefined) part('?');
    else if (blob.value === null) part('-');
    else {
      part('v');
      part(blob.value.type);
      part(blob.value.bytes);
    }
  });
  return hash.digest('hex');
}

/** The event payload of a checkpoint put. */
export function checkpointEvent(
  ns: string,
  checkpointId: string,
  record: CheckpointRecord,
  metadata: unknown,
  digest: string,
): CheckpointEventPayload {
  const m = (metadata ?? {}) as { step?: unknown; source?: unknown };
  return {
    checkpointId,
    parentId: record.parentId,
    ns,
    step: typeof m.step === 'number' && Number.isFinite(m.step) ? m.step : null,
    source: typeof m.source === 'string' ? m.source : null,
    digest,
  };
}

/** Reads an event payload back (`undefined` if it is not one this package wrote). */
export function parseCheckpointEvent(payload: Value): CheckpointEventPayload | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  const p = payload as Record<string, Value>;
  if (typeof p.checkpointId !== 'string' || typeof p.ns !== 'string' || typeof p.digest !== 'string') {
    return undefined;
  }
  return {
    checkpointId: p.checkpointId,
    parentId: typeof p.parentId === 'string' ? p.parentId : null,
    ns: p.ns,
    step: typeof p.step === 'number' ? p.step : null,
    source: typeof p.source === 'string' ? p.source : null,
    digest: p.digest,
  };
}
