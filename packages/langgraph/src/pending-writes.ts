import { decodeKey, describe, type EngineTransaction, invalidArgument } from '@agentdb/primitives';
import {
  compareWritesSortKeys,
  type PendingWrite,
  type SerializerProtocol,
  WRITES_IDX_MAP,
  writesSortKey,
} from '@langchain/langgraph-checkpoint';
import { checkId } from './checkpoint-config.js';
import { writesRange } from './checkpoint-keys.js';
import { parseWrite, type WriteRecord } from './checkpoint-records.js';
import { dumpTyped } from './serde-bytes.js';

/*
 * A task's pending writes against a checkpoint: how `putWrites` serializes and indexes them, and how
 * a checkpoint's writes are read back in LangGraph's order.
 */

/** `putWrites`' writes, checked and serialized: each with the index it is stored under. */
export interface SerializedWrites {
  records: [number, WriteRecord][];
  /** True when every write is to a special channel: such writes replace a stored one, others never do. */
  replace: boolean;
}

/** Checks and serializes `putWrites`' writes (before any transaction: its function may run again). */
export async function serializeWrites(
  serde: SerializerProtocol,
  writes: PendingWrite[],
  taskPath: string | undefined,
): Promise<SerializedWrites> {
  if (taskPath !== undefined && typeof taskPath !== 'string') {
    throw invalidArgument(`putWrites: taskPath must be a string, got ${describe(taskPath)}`);
  }
  if (!Array.isArray(writes))
    throw invalidArgument(`putWrites: writes must be an array, got ${describe(writes)}`);
  const records = await Promise.all(
    writes.map(async (w, i): Promise<[number, WriteRecord]> => {
      if (!Array.isArray(w) || typeof w[0] !== 'string') {
        throw invalidArgument(`putWrites: writes[${i}] must be a [channel, value] pair`);
      }
      const channel = checkId(w[0], `writes[${i}] channel`, 'putWrites');
      const value = await dumpTyped(serde, w[1], `the write to channel ${JSON.stringify(channel)}`);
      return [specialIndex(channel) ?? i, { channel, value, taskPath: taskPath ?? '' }];
    }),
  );
  const replace = writes.every(([channel]) => specialIndex(channel) !== undefined);
  return { records, replace };
}

/** The index a write to `channel` is stored under, if it is one of LangGraph's special channels. */
function specialIndex(channel: string): number | undefined {
  return Object.hasOwn(WRITES_IDX_MAP, channel) ? WRITES_IDX_MAP[channel] : undefined;
}

/** A checkpoint's pending writes in `writesSortKey` order: `(taskPath, taskId, idx)`. */
export async function readWrites(
  tx: EngineTransaction,
  runId: string,
  ns: string,
  id: string,
): Promise<{ taskId: string; record: WriteRecord }[]> {
  const out: { taskId: string; idx: number; record: WriteRecord }[] = [];
  for await (const e of tx.scan(writesRange(runId, ns, id))) {
    const parts = decodeKey(e.key).parts;
    const taskId = parts[3];
    const idx = parts[4];
    if (typeof taskId !== 'string' || typeof idx !== 'number') throw invalidArgument('not a write key');
    out.push({ taskId, idx, record: parseWrite(e.value) });
  }
  // The scan is (taskId, idx) order; a stable sort by the full key puts task paths first.
  return out.sort((a, b) =>
    compareWritesSortKeys(
      writesSortKey(a.record.taskPath, a.taskId, a.idx),
      writesSortKey(b.record.taskPath, b.taskId, b.idx),
    ),
  );
}
