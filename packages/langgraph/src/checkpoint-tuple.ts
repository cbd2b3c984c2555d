import { isDeepStrictEqual } from 'node:util';
import { decodeKey, type EncodedKey, type EngineTransaction, invalidArgument } from '@agentdb/primitives';
import {
  type BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  maxChannelVersion,
  TASKS,
} from '@langchain/langgraph-checkpoint';
import { blobKey, namespaceOfPart, writesRange } from './checkpoint-keys.js';
import { type CheckpointRecord, parseBlob, parseCheckpoint, parseWrite } from './checkpoint-records.js';
import { readWrites } from './pending-writes.js';
import { loadTyped } from './serde-bytes.js';

/*
 * Reading a stored checkpoint back as LangGraph's `CheckpointTuple`: its channel values rebuilt from
 * the blobs its versions name, its pending writes in LangGraph's order, older formats migrated.
 */

/** A stored checkpoint found by a scan or a get: where it is and what it holds. */
export interface Located {
  ns: string;
  id: string;
  record: CheckpointRecord;
}

/** What reading a tuple needs of the saver: its serializer and its channel versions. */
export type TupleReader = Pick<BaseCheckpointSaver, 'serde' | 'getNextVersion'>;

/** Where a scanned checkpoint record is: `('cp', '/ns', id)`. */
export function locate(key: EncodedKey, value: Parameters<typeof parseCheckpoint>[0]): Located {
  const [, nsPart, id] = decodeKey(key).parts;
  const ns = namespaceOfPart(nsPart);
  if (ns === undefined || typeof id !== 'string') throw invalidArgument('not a checkpoint key');
  return { ns, id, record: parseCheckpoint(value) };
}

/** Loads one stored checkpoint as LangGraph's tuple: channel values from blobs, writes in order. */
export async function readTuple(
  saver: TupleReader,
  tx: EngineTransaction,
  threadId: string,
  runId: string,
  at: Located,
): Promise<CheckpointTuple> {
  const { ns, id, record } = at;
  const checkpoint = (await loadTyped(saver.serde, record.checkpoint)) as Checkpoint;
  checkpoint.channel_versions ??= {};
  checkpoint.versions_seen ??= {};
  checkpoint.channel_values = await channelValues(saver, tx, runId, ns, checkpoint.channel_versions);
  if (checkpoint.v < 4 && record.parentId !== null) {
    await migratePendingSends(saver, tx, runId, ns, record.parentId, checkpoint);
  }
  const writes = await readWrites(tx, runId, ns, id);
  const pendingWrites: CheckpointPendingWrite[] = await Promise.all(
    writes.map(async ({ taskId, record: w }) => [taskId, w.channel, await loadTyped(saver.serde, w.value)]),
  );
  const address = (checkpointId: string) => ({
    configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpointId },
  });
  return {
    config: address(id),
    checkpoint,
    metadata: (await loadTyped(saver.serde, record.metadata)) as CheckpointMetadata,
    ...(record.parentId === null ? {} : { parentConfig: address(record.parentId) }),
    pendingWrites,
  };
}

/** Whether a stored checkpoint's metadata has deep-equal values at every key `filter` gives. */
export async function metadataMatches(
  saver: TupleReader,
  record: CheckpointRecord,
  filter: Record<string, unknown>,
): Promise<boolean> {
  const metadata = (await loadTyped(saver.serde, record.metadata)) as Record<string, unknown> | null;
  return Object.entries(filter).every(([k, v]) => v === undefined || isDeepStrictEqual(metadata?.[k], v));
}

async function channelValues(
  saver: TupleReader,
  tx: EngineTransaction,
  runId: string,
  ns: string,
  versions: ChannelVersions,
): Promise<Record<string, unknown>> {
  const channels = Object.keys(versions);
  const stored = await tx.getMany(channels.map((c) => blobKey(runId, ns, c, versions[c]!)));
  const values: Record<string, unknown> = {};
  for (let i = 0; i < channels.length; i++) {
    const v = stored[i];
    if (v === undefined) continue; // put without this channel in newVersions: LangGraph's delta contract
    const blob = parseBlob(v);
    if (blob.value !== null) values[channels[i]!] = await loadTyped(saver.serde, blob.value);
  }
  return values;
}

/**
 * Checkpoints of format v < 4 kept pending `Send`s as writes to the TASKS channel of their parent; v4
 * keeps them in `channel_values`. As LangGraph's savers do, reading such a checkpoint moves them over.
 */
async function migratePendingSends(
  saver: TupleReader,
  tx: EngineTransaction,
  runId: string,
  ns: string,
  parentId: string,
  checkpoint: Checkpoint,
): Promise<void> {
  const sends: unknown[] = [];
  for await (const e of tx.scan(writesRange(runId, ns, parentId))) {
    const w = parseWrite(e.value);
    if (w.channel === TASKS) sends.push(await loadTyped(saver.serde, w.value));
  }
  checkpoint.channel_values[TASKS] = sends;
  const versions = Object.values(checkpoint.channel_versions);
  checkpoint.channel_versions[TASKS] =
    versions.length > 0 ? maxChannelVersion(...versions) : saver.getNextVersion(undefined);
}
