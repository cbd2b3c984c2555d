import { type AgentDB, decodeKey } from '@agentdb/primitives';
import { CHECKPOINT_EVENT, checkpointDigest, parseCheckpointEvent } from './checkpoint-event.js';
import { blobKey, checkpointRange, namespaceOfPart } from './checkpoint-keys.js';
import { type BlobRecord, parseBlob, parseCheckpoint } from './checkpoint-records.js';

/** What `saver.verifyThread` found. */
export interface ThreadVerification {
  /** True when the chain is intact and every checkpoint matches its event. */
  valid: boolean;
  /** Checkpoints checked. */
  checkpoints: number;
  /** Events in the run's log. */
  events: number;
  /** One line per problem: a broken chain, a checkpoint whose bytes changed, one without an event. */
  problems: string[];
}

/**
 * Verifies a thread's run: the hash chain of its event log, then every stored checkpoint against the
 * digest of its latest `langgraph.checkpoint` event (re-computed from the stored bytes and the channel
 * values its put wrote), and that every checkpoint an event names still exists.
 */
export async function verifyThread(db: AgentDB, runId: string): Promise<ThreadVerification> {
  const problems: string[] = [];
  const chain = await db.events.verifyChain(runId);
  if (!chain.valid) {
    problems.push(`event chain broken at sequence ${chain.firstInvalid ?? '?'}: ${chain.error ?? 'invalid'}`);
  }
  // The latest event per checkpoint wins: a checkpoint put twice under one id is stored as the second.
  const expected = new Map<string, { digest: string; sequence: number }>();
  for (const e of await db.events.readByType(runId, CHECKPOINT_EVENT)) {
    const p = parseCheckpointEvent(e.payload);
    if (p === undefined) problems.push(`event ${e.sequence} is not a checkpoint event payload`);
    else expected.set(JSON.stringify([p.ns, p.checkpointId]), { digest: p.digest, sequence: e.sequence });
  }
  let checkpoints = 0;
  await db.engine.transaction(async (tx) => {
    for await (const { key, value } of tx.scan(checkpointRange(runId))) {
      checkpoints++;
      const [, nsPart, id] = decodeKey(key).parts;
      const ns = namespaceOfPart(nsPart) ?? '';
      const name = `checkpoint ${String(id)}${ns === '' ? '' : ` (ns ${JSON.stringify(ns)})`}`;
      const k = JSON.stringify([ns, id]);
      const event = expected.get(k);
      expected.delete(k);
      if (event === undefined) {
        problems.push(`${name} has no langgraph.checkpoint event`);
        continue;
      }
      const record = parseCheckpoint(value);
      const blobs: (BlobRecord | undefined)[] = [];
      for (const [channel, version] of record.blobs) {
        const b = await tx.get(blobKey(runId, ns, channel, version));
        blobs.push(b === undefined ? undefined : parseBlob(b));
      }
      if (checkpointDigest(ns, String(id), record, blobs) !== event.digest) {
        problems.push(`${name} does not match the digest of event ${event.sequence}`);
      }
    }
  });
  for (const [k, { sequence }] of expected) {
    const [ns, id] = JSON.parse(k) as [string, string];
    problems.push(
      `event ${sequence} names checkpoint ${id}${ns === '' ? '' : ` (ns ${JSON.stringify(ns)})`}, which is missing`,
    );
  }
  return { valid: problems.length === 0, checkpoints, events: chain.length, problems };
}
