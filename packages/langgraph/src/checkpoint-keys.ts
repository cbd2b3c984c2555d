import { Key, type KeyPart, type KeyRange, tagRange } from '@agentdb/primitives';
import { LANGGRAPH_TAG } from './type-tag.js';

/**
 * Key layout of one thread, all under `(thread run, LANGGRAPH_TAG)`:
 *
 * | key | value |
 * | --- | --- |
 * | `('cp', ns, checkpointId)` | `CheckpointRecord` — the checkpoint without its channel values, metadata, parent |
 * | `('blob', ns, channel, version)` | `BlobRecord` — one channel value at one version |
 * | `('w', ns, checkpointId, taskId, idx)` | `WriteRecord` — one pending write |
 *
 * Checkpoint ids are uuid6 (time-ordered), so a reverse scan of `('cp', ns)` is newest first. A
 * channel value is stored once per version and shared by every checkpoint that has that version.
 */
const CHECKPOINT = 'cp';
const BLOB = 'blob';
const WRITE = 'w';

/**
 * Namespaces may be `''` (the root graph), and key strings may not be empty: every namespace is stored
 * with a one-character prefix. It is a tuple element of its own, so `a` never matches `ab`.
 */
export function namespacePart(ns: string): string {
  return `/${ns}`;
}

/** The namespace a stored namespace part stands for. */
export function namespaceOfPart(part: KeyPart | undefined): string | undefined {
  return typeof part === 'string' && part.startsWith('/') ? part.slice(1) : undefined;
}

/** The record of checkpoint `id`. @example checkpointKey(run, '', id) */
export function checkpointKey(runId: string, ns: string, id: string): Uint8Array {
  return Key.of(LANGGRAPH_TAG, runId, CHECKPOINT, namespacePart(ns), id);
}

/** Every checkpoint of the thread (all namespaces), or of one namespace. */
export function checkpointRange(runId: string, ns?: string): KeyRange {
  return ns === undefined
    ? tagRange(runId, LANGGRAPH_TAG, CHECKPOINT)
    : tagRange(runId, LANGGRAPH_TAG, CHECKPOINT, namespacePart(ns));
}

/** The stored value of `channel` at `version`. */
export function blobKey(runId: string, ns: string, channel: string, version: string | number): Uint8Array {
  return Key.of(LANGGRAPH_TAG, runId, BLOB, namespacePart(ns), channel, version);
}

/** Write `idx` of task `taskId` against checkpoint `id`. */
export function writeKey(runId: string, ns: string, id: string, taskId: string, idx: number): Uint8Array {
  return Key.of(LANGGRAPH_TAG, runId, WRITE, namespacePart(ns), id, taskId, idx);
}

/** Every pending write against checkpoint `id`, in `(taskId, idx)` order. */
export function writesRange(runId: string, ns: string, id: string): KeyRange {
  return tagRange(runId, LANGGRAPH_TAG, WRITE, namespacePart(ns), id);
}

/** Everything the saver stores for a thread (checkpoints, blobs, writes). */
export function threadRange(runId: string): KeyRange {
  return tagRange(runId, LANGGRAPH_TAG);
}
