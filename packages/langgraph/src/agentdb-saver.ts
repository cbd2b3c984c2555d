import {
  type AgentDB,
  describe,
  type EncodedKey,
  type Engine,
  invalidArgument,
  isAgentDBError,
} from '@agentdb/primitives';
import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointTuple,
  type PendingWrite,
  type SerializerProtocol,
} from '@langchain/langgraph-checkpoint';
import { agentDBOf } from './agent-db-of.js';
import { checkId, readAddress, requireAddress } from './checkpoint-config.js';
import { CHECKPOINT_EVENT, checkpointDigest, checkpointEvent } from './checkpoint-event.js';
import { blobKey, checkpointKey, checkpointRange, writeKey } from './checkpoint-keys.js';
import {
  type BlobRecord,
  blobValue,
  type CheckpointRecord,
  checkpointValue,
  parseCheckpoint,
  writeValue,
} from './checkpoint-records.js';
import { type Located, locate, metadataMatches, readTuple } from './checkpoint-tuple.js';
import { serializeWrites } from './pending-writes.js';
import { checkCheckpoint, checkVersions, readListQuery } from './saver-arguments.js';
import { dumpTyped } from './serde-bytes.js';
import { checkThreadId, threadRunId } from './thread-ids.js';
import { ensureThreadRun, listThreads } from './thread-runs.js';
import { type ThreadVerification, verifyThread } from './verify-thread.js';

/** Options of `new AgentDBSaver(db, options)`. */
export interface AgentDBSaverOptions {
  /** How checkpoints, metadata and writes are serialized. Default: LangGraph's `JsonPlusSerializer`. */
  serde?: SerializerProtocol;
}

/** Checkpoints read per read-only transaction while `list` pages through a thread. */
const LIST_PAGE = 64;

/**
 * A LangGraph.js checkpointer on AgentDB. A thread is an AgentDB run (see `threadRunId` for the
 * mapping): its checkpoints, channel values and pending writes live in the run's key range, so
 * `db.runs.deleteRun` removes a thread whole and `agentdb <dir> runs --tag langgraph-thread` lists the
 * threads. Every `put` also appends a `langgraph.checkpoint` event (checkpoint id, parent id, step,
 * source and a SHA-256 digest of what was stored) to the run's hash-chained log, in the same
 * transaction, so `agentdb <dir> verify` and `saver.verifyThread(threadId)` prove the history was not
 * rewritten.
 *
 * Channel values are stored once per channel version (as LangGraph's PostgresSaver does): a checkpoint
 * stores only the channels `newVersions` names, and reads rebuild `channel_values` from the versions
 * in `channel_versions`.
 *
 * @example
 * const db = await AgentDB.open({ path: './agent-data' });
 * const graph = builder.compile({ checkpointer: new AgentDBSaver(db) });
 * await graph.invoke(input, { configurable: { thread_id: 'conversation-1' } });
 */
export class AgentDBSaver extends BaseCheckpointSaver {
  /** The database the threads live in. */
  readonly db: AgentDB;

  /**
   * Wraps an open `AgentDB` (or its engine). The saver holds no other state: several savers (or
   * processes) on one database see the same threads.
   *
   * @example
   * const saver = new AgentDBSaver(await AgentDB.open({ path: './agent-data' }));
   */
  constructor(db: AgentDB | Engine, options: AgentDBSaverOptions = {}) {
    super(options.serde);
    this.db = agentDBOf(db, 'AgentDBSaver');
  }

  /**
   * The checkpoint `config` names (`checkpoint_id`), or the latest of its thread and namespace, with its
   * metadata, parent and pending writes; `undefined` when there is none (or no `thread_id`).
   *
   * @example
   * const latest = await saver.getTuple({ configurable: { thread_id: 't1' } });
   */
  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const address = readAddress(config, 'getTuple');
    if (address === undefined) return undefined;
    const { threadId, ns, checkpointId } = address;
    const runId = threadRunId(threadId);
    return this.db.engine.transaction(async (tx) => {
      let located: Located | undefined;
      if (checkpointId !== undefined) {
        const v = await tx.get(checkpointKey(runId, ns, checkpointId));
        if (v !== undefined) located = { ns, id: checkpointId, record: parseCheckpoint(v) };
      } else {
        for await (const e of tx.scan(checkpointRange(runId, ns), { limit: 1, reverse: true })) {
          located = locate(e.key, e.value);
        }
      }
      return located === undefined ? undefined : readTuple(this, tx, threadId, runId, located);
    });
  }

  /**
   * Checkpoints newest first: of one thread (`thread_id`) or of all (threads one after another, in
   * creation order), of one namespace (`checkpoint_ns`) or all (one after another), only `checkpoint_id`
   * if given. `before` keeps checkpoints with a smaller id, `filter` those whose metadata has equal
   * (deep-equal) values at every given key, `limit` caps the count.
   *
   * @example
   * for await (const t of saver.list({ configurable: { thread_id: 't1' } }, { limit: 10 })) console.log(t.checkpoint.id);
   */
  async *list(config: RunnableConfig, options?: CheckpointListOptions): AsyncGenerator<CheckpointTuple> {
    const q = readListQuery(config, options);
    let remaining = q.limit;
    if (remaining === 0) return;
    const threads: [string, string][] =
      q.threadId === undefined ? await listThreads(this.db) : [[q.threadId, threadRunId(q.threadId)]];
    for (const [threadId, runId] of threads) {
      const range = checkpointRange(runId, q.ns);
      let end: EncodedKey = range.end;
      if (q.before !== undefined && q.ns !== undefined) end = checkpointKey(runId, q.ns, q.before);
      for (;;) {
        // A page never reads more than the tuples still wanted (list({ limit: 1 }) reads one).
        const want = remaining === undefined ? LIST_PAGE : Math.min(LIST_PAGE, remaining);
        const page = await this.db.engine.transaction(async (tx) => {
          const tuples: CheckpointTuple[] = [];
          let scanned = 0;
          let last: EncodedKey | undefined;
          for await (const e of tx.scan({ start: range.start, end }, { limit: want, reverse: true })) {
            scanned++;
            last = e.key;
            const located = locate(e.key, e.value);
            if (q.checkpointId !== undefined && located.id !== q.checkpointId) continue;
            if (q.before !== undefined && located.id >= q.before) continue;
            if (q.filter !== undefined && !(await metadataMatches(this, located.record, q.filter))) continue;
            tuples.push(await readTuple(this, tx, threadId, runId, located));
          }
          return { tuples, last, done: scanned < want };
        });
        for (const t of page.tuples) {
          yield t;
          if (remaining !== undefined && --remaining === 0) return;
        }
        if (page.done || page.last === undefined) break;
        end = page.last;
      }
    }
  }

  /**
   * Stores a checkpoint after `config.configurable.checkpoint_id` (its parent, if any) and returns the
   * config that names it. The checkpoint, the channel values `newVersions` names, the thread's run
   * record (created with the first checkpoint) and a `langgraph.checkpoint` event commit in one
   * transaction. Everything is serialized and checked first: a value the serializer cannot handle is
   * `INVALID_VALUE` and nothing is written.
   *
   * @example
   * const next = await saver.put({ configurable: { thread_id: 't1' } }, checkpoint, { source: 'input', step: -1, parents: {} }, {});
   */
  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const { threadId, ns, checkpointId: parentId } = requireAddress(config, 'put');
    checkCheckpoint(checkpoint);
    const versions = checkVersions(newVersions);
    const runId = threadRunId(threadId);
    // Serialize before the transaction: its function may run again on a conflict.
    const { channel_values: values, ...rest } = checkpoint;
    const blobs: BlobRecord[] = await Promise.all(
      versions.map(async ([channel]) => ({
        value: Object.hasOwn(values, channel)
          ? await dumpTyped(this.serde, values[channel], `channel ${JSON.stringify(channel)}`)
          : null,
      })),
    );
    const record: CheckpointRecord = {
      checkpoint: await dumpTyped(this.serde, rest, 'the checkpoint'),
      metadata: await dumpTyped(this.serde, metadata, 'the checkpoint metadata'),
      parentId: parentId ?? null,
      blobs: versions,
    };
    const digest = checkpointDigest(ns, checkpoint.id, record, blobs);
    const event = checkpointEvent(ns, checkpoint.id, record, metadata, digest);
    await this.db.transaction(runId, async (tx) => {
      await ensureThreadRun(tx, threadId);
      versions.forEach(([channel, version], i) => {
        tx.tx.put(blobKey(runId, ns, channel, version), blobValue(blobs[i]!));
      });
      tx.tx.put(checkpointKey(runId, ns, checkpoint.id), checkpointValue(record));
      tx.events.append(CHECKPOINT_EVENT, { ...event });
    });
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: checkpoint.id } };
  }

  /**
   * Stores the writes task `taskId` made against the checkpoint `config` names, in one transaction.
   * As in LangGraph's own savers, a write already stored under the same `(task, index)` is kept, unless
   * every write is a special channel (error, interrupt, resume, scheduled), which replaces it.
   *
   * @example
   * await saver.putWrites(config, [['messages', 'hi']], 'task-1');
   */
  async putWrites(
    config: RunnableConfig,
    writes: PendingWrite[],
    taskId: string,
    taskPath?: string,
  ): Promise<void> {
    const { threadId, ns, checkpointId } = requireAddress(config, 'putWrites');
    if (checkpointId === undefined) {
      throw invalidArgument(
        'putWrites: config.configurable.checkpoint_id is missing: writes belong to a checkpoint',
      );
    }
    checkId(taskId, 'task_id', 'putWrites');
    const { records, replace } = await serializeWrites(this.serde, writes, taskPath);
    const runId = threadRunId(threadId);
    await this.db.engine.transaction(
      (tx) => {
        for (const [idx, record] of records) {
          const key = writeKey(runId, ns, checkpointId, taskId, idx);
          const value = writeValue(record);
          // Keep-if-present runs at commit on the latest value, so concurrent tasks never conflict.
          if (replace) tx.put(key, value);
          else tx.mutate(key, (current) => ({ value: current ?? value, result: undefined }));
        }
      },
      { runId },
    );
  }

  /**
   * Deletes the thread: its run, with every checkpoint, write, event and anything else stored in it,
   * in one transaction. A thread that does not exist is left as it is.
   *
   * @example
   * await saver.deleteThread('t1');
   */
  async deleteThread(threadId: string): Promise<void> {
    checkThreadId(threadId, 'deleteThread');
    try {
      await this.db.runs.deleteRun(threadRunId(threadId));
    } catch (e) {
      if (!isAgentDBError(e, 'NOT_FOUND')) throw e;
    }
  }

  /**
   * The next version of a channel: the next integer above `current`, plus a random fraction below 0.5.
   * Versions are the keys of stored channel values, so they must never repeat within a thread — and a
   * fork from an earlier checkpoint would otherwise reuse the versions of the branch it left and
   * overwrite its values. Versions stay numbers, increasing, as LangGraph compares them.
   *
   * @example
   * saver.getNextVersion(undefined); // 1.2839…
   * saver.getNextVersion(3.41); // 4.07…
   */
  override getNextVersion(current: number | undefined): number {
    const base = current === undefined ? 0 : Math.floor(Number.parseFloat(String(current)));
    if (!Number.isFinite(base)) throw invalidArgument(`channel version ${describe(current)} is not a number`);
    // 1..2^31-1 over 2^32: in (0, 0.5), exact in a double for integer parts up to 2^21.
    const fraction = (1 + Math.floor(Math.random() * 0x7fffffff)) / 0x100000000;
    return base + 1 + fraction;
  }

  /**
   * Checks a thread end to end: the run's event chain (every link and hash), and that every stored
   * checkpoint — its bytes, metadata and the channel values its put wrote — still has the digest its
   * latest `langgraph.checkpoint` event recorded, and that no event names a checkpoint that is gone.
   *
   * @example
   * const { valid, problems } = await saver.verifyThread('t1');
   */
  async verifyThread(threadId: string): Promise<ThreadVerification> {
    checkThreadId(threadId, 'verifyThread');
    return verifyThread(this.db, threadRunId(threadId));
  }
}

export type { ThreadVerification };
