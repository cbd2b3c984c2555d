import { AgentDBError, newId, readClock, type Value } from '@agentdb/core';
import type { EngineTransaction } from '@agentdb/engine';
import type { CheckedRecord } from './arguments.js';
import { countKey, indexKeysOf, recordKey } from './layout.js';
import type { Trace } from './types.js';

/*
 * The one write of the trace store, against a transaction, with its arguments already checked
 * (arguments.ts `checkRecord`). The facade runs it in a transaction of its own; the view in the
 * caller's. The timestamp comes from the transaction's clock.
 */

/**
 * Records a trace: its record, every index entry (type, time, parent or root, each tag) and a
 * commit-time increment of the run's counter, all in `tx`. `ALREADY_EXISTS` if the id is taken,
 * `NOT_FOUND` if the parent is missing; both are found before anything is buffered.
 */
export async function recordTrace(tx: EngineTransaction, runId: string, rec: CheckedRecord): Promise<string> {
  const { traceType, tags, metadata, parentId } = rec;
  const id = rec.id ?? newId();
  const key = recordKey(runId, id);
  // A supplied id may be taken: a tracked read, so a concurrent record of the same id conflicts and,
  // retried, finds it. A generated id is 126 random bits (nanoid): no read, which was a tenth of the
  // cost of a record (a B-tree lookup now and again at commit) to rule out a 2^-126 event.
  if (rec.id !== undefined && (await tx.get(key)) !== undefined) {
    throw new AgentDBError(
      'ALREADY_EXISTS',
      `trace ${id} already exists in run ${runId}; ids are never reused`,
    );
  }
  if (parentId !== undefined && (await tx.get(recordKey(runId, parentId))) === undefined) {
    throw new AgentDBError('NOT_FOUND', `parent trace ${parentId} does not exist in run ${runId}`);
  }
  const timestamp = readClock(tx.clock);
  const trace: Trace =
    parentId === undefined
      ? { id, traceType, timestamp, tags, metadata }
      : { id, parentId, traceType, timestamp, tags, metadata };
  const indexKeys = indexKeysOf(runId, trace);
  // The record goes first: it is the only write that can still fail (size limit), and then nothing
  // of this trace is buffered. Index entries are built above, so they cannot fail.
  tx.put(key, trace as unknown as Value);
  for (const k of indexKeys) tx.put(k, id);
  // A commit-time increment: concurrent recorders in one run never conflict on the counter; this
  // transaction's count() reads it back with getPending.
  tx.mutate(countKey(runId), (n) => ({ value: (typeof n === 'number' ? n : 0) + 1, result: undefined }));
  return id;
}
