import { AgentDBError, isValueObject, type Value } from '@agentdb/primitives';

/** Bytes produced by the saver's serializer, with the type tag it reported. */
export interface TypedBytes {
  type: string;
  bytes: Uint8Array;
}

/** `('cp', ns, id)`: a checkpoint without its channel values (they are blobs), and its metadata. */
export interface CheckpointRecord {
  checkpoint: TypedBytes;
  metadata: TypedBytes;
  /** The checkpoint this one was written after (`config.configurable.checkpoint_id` of the put), or null. */
  parentId: string | null;
  /** The `[channel, version]` blobs this put wrote (`newVersions`), covered by the event's digest. */
  blobs: [string, string | number][];
}

/** `('blob', ns, channel, version)`: a channel value, or `null` bytes when the channel was emptied. */
export interface BlobRecord {
  value: TypedBytes | null;
}

/** `('w', ns, id, taskId, idx)`: one pending write. */
export interface WriteRecord {
  channel: string;
  value: TypedBytes;
  /** The task path LangGraph passed (`''` when none): writes are returned in `(taskPath, taskId, idx)` order. */
  taskPath: string;
}

function corrupt(what: string): AgentDBError {
  return new AgentDBError('CORRUPTION', `stored LangGraph ${what} has an unexpected shape`);
}

function typedBytes(v: Value | undefined, what: string): TypedBytes {
  if (!isValueObject(v) || typeof v.type !== 'string' || !(v.bytes instanceof Uint8Array))
    throw corrupt(what);
  return { type: v.type, bytes: v.bytes };
}

/** The stored form of typed bytes. */
export function typedBytesValue(t: TypedBytes): Value {
  return { type: t.type, bytes: t.bytes };
}

/** The stored value of a checkpoint record. */
export function checkpointValue(r: CheckpointRecord): Value {
  return {
    checkpoint: typedBytesValue(r.checkpoint),
    metadata: typedBytesValue(r.metadata),
    parentId: r.parentId,
    blobs: r.blobs,
  };
}

/** Reads a checkpoint record; anything else is `CORRUPTION`. */
export function parseCheckpoint(v: Value): CheckpointRecord {
  if (!isValueObject(v)) throw corrupt('checkpoint');
  const { parentId, blobs } = v;
  if (parentId !== null && typeof parentId !== 'string') throw corrupt('checkpoint');
  if (!Array.isArray(blobs)) throw corrupt('checkpoint');
  const pairs: [string, string | number][] = blobs.map((b) => {
    if (
      !Array.isArray(b) ||
      typeof b[0] !== 'string' ||
      (typeof b[1] !== 'string' && typeof b[1] !== 'number')
    ) {
      throw corrupt('checkpoint');
    }
    return [b[0], b[1]];
  });
  return {
    checkpoint: typedBytes(v.checkpoint, 'checkpoint'),
    metadata: typedBytes(v.metadata, 'checkpoint metadata'),
    parentId,
    blobs: pairs,
  };
}

/** The stored value of a blob record. */
export function blobValue(r: BlobRecord): Value {
  return { value: r.value === null ? null : typedBytesValue(r.value) };
}

/** Reads a blob record; anything else is `CORRUPTION`. */
export function parseBlob(v: Value): BlobRecord {
  if (!isValueObject(v)) throw corrupt('channel value');
  return { value: v.value === null ? null : typedBytes(v.value, 'channel value') };
}

/** The stored value of a write record. */
export function writeValue(r: WriteRecord): Value {
  return { channel: r.channel, value: typedBytesValue(r.value), taskPath: r.taskPath };
}

/** Reads a write record; anything else is `CORRUPTION`. */
export function parseWrite(v: Value): WriteRecord {
  if (!isValueObject(v) || typeof v.channel !== 'string' || typeof v.taskPath !== 'string') {
    throw corrupt('pending write');
  }
  return { channel: v.channel, value: typedBytes(v.value, 'pending write'), taskPath: v.taskPath };
}
