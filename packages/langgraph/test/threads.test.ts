import { Key, runRange, tagRange, validateRunId } from '@agentdb/primitives';
import { type CheckpointMetadata, emptyCheckpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AgentDBSaver,
  CHECKPOINT_EVENT,
  LANGGRAPH_TAG,
  threadIdOfRun,
  threadRunId,
} from '../src/index.js';
import { openTestSaver } from './helpers.js';

type Opened = Awaited<ReturnType<typeof openTestSaver>>;
let t: Opened | undefined;
afterEach(async () => {
  await t?.dispose();
  t = undefined;
});

const META = { source: 'input' as const, step: -1, parents: {} };
let clockseq = 0; // uuid6 ids of one millisecond still sort in creation order

/** Puts a fresh empty checkpoint on `threadId` (after `parent` if given) and returns its config. */
function putCheckpoint(
  saver: AgentDBSaver,
  threadId: string,
  parent?: string,
  values: Record<string, unknown> = {},
) {
  const checkpoint = { ...emptyCheckpoint(), id: uuid6(clockseq++), channel_values: values };
  checkpoint.channel_versions = Object.fromEntries(
    Object.keys(values).map((k) => [k, saver.getNextVersion(undefined)]),
  );
  return saver.put(
    { configurable: { thread_id: threadId, ...(parent === undefined ? {} : { checkpoint_id: parent }) } },
    checkpoint,
    META,
    checkpoint.channel_versions,
  );
}

async function keysOfRun(o: Opened, runId: string): Promise<number> {
  let n = 0;
  for await (const _ of o.db.engine.scan(runRange(runId))) n++;
  return n;
}

describe('thread id ↔ run id', () => {
  it('maps every thread id to a valid run id, injectively, and back when the run id can say it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 120, unit: 'grapheme' }),
        fc.string({ minLength: 1, maxLength: 120 }),
        (a, b) => {
          const ra = threadRunId(a);
          validateRunId(ra);
          if (a !== b && b.isWellFormed()) expect(threadRunId(b)).not.toBe(ra);
          const back = threadIdOfRun(ra);
          if (back !== undefined) expect(back).toBe(a);
          else expect(ra.startsWith('lg_h')).toBe(true);
          expect(threadRunId(a)).toBe(ra); // deterministic
        },
      ),
      { numRuns: 2000 },
    );
    expect(threadRunId('run-42')).toBe('run-42');
    expect(threadRunId('lg_anything')).toMatch(/^lg_b/); // the reserved prefix is always encoded
  });

  it('stores and lists threads whose ids are not run ids, long ones included, under their own ids', async () => {
    t = await openTestSaver();
    const ids = ['user 42 / ticket #7', 'ünïcødé 🧵', 'lg_store', 'x'.repeat(64), 'y'.repeat(300), '42'];
    for (const id of ids) await putCheckpoint(t.saver, id);
    const listed = new Set<string>();
    for await (const tuple of t.saver.list({})) listed.add(tuple.config.configurable?.thread_id as string);
    expect(listed).toEqual(new Set(ids));
    for (const id of ids) {
      const tuple = await t.saver.getTuple({ configurable: { thread_id: id } });
      expect(tuple?.config.configurable?.thread_id).toBe(id);
      expect((await t.db.runs.getRun(threadRunId(id)))?.metadata).toEqual({ langgraph: { threadId: id } });
    }
    // The store's default run is not the thread called "lg_store".
    expect(threadRunId('lg_store')).not.toBe('lg_store');
  });

  it('refuses a run that records another thread (what a SHA-256 collision would look like)', async () => {
    t = await openTestSaver();
    const long = 'z'.repeat(100);
    await t.db.runs.createRun({
      runId: threadRunId(long),
      metadata: { langgraph: { threadId: 'someone else' } },
    });
    await expect(putCheckpoint(t.saver, long)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(await t.saver.getTuple({ configurable: { thread_id: long } })).toBeUndefined();
  });
});

describe('a thread is a run', () => {
  it('creates the run with the first checkpoint and joins a run the application made itself', async () => {
    t = await openTestSaver();
    await putCheckpoint(t.saver, 'fresh');
    expect(await t.db.runs.getRun('fresh')).toMatchObject({
      name: 'fresh',
      status: 'active',
      tags: ['langgraph-thread'],
    });

    await t.db.runs.createRun({ runId: 'agent-7', tags: ['prod'], metadata: { owner: 'me' } });
    await t.db.kv.put('agent-7', 'plan', ['search']);
    await putCheckpoint(t.saver, 'agent-7');
    expect(await t.db.runs.getRun('agent-7')).toMatchObject({
      tags: ['prod', 'langgraph-thread'],
      metadata: { owner: 'me' },
    });
    expect(await t.db.kv.get('agent-7', 'plan')).toEqual(['search']);
    expect((await t.db.runs.queryRuns({ tag: 'langgraph-thread' })).map((r) => r.runId)).toEqual([
      'fresh',
      'agent-7',
    ]);
  });

  it('deleteThread and runs.deleteRun both remove a thread whole; other threads stay', async () => {
    t = await openTestSaver();
    for (const id of ['keep', 'drop', 'drop-by-run']) {
      const first = await putCheckpoint(t.saver, id, undefined, { messages: ['hi'] });
      await t.saver.putWrites(first, [['messages', 'there']], 'task-1');
      await putCheckpoint(t.saver, id, first.configurable?.checkpoint_id as string);
    }
    const keepKeys = await keysOfRun(t, 'keep');
    await t.saver.deleteThread('drop');
    await t.db.runs.deleteRun('drop-by-run');
    for (const id of ['drop', 'drop-by-run']) {
      expect(await t.saver.getTuple({ configurable: { thread_id: id } })).toBeUndefined();
      expect(await keysOfRun(t, id)).toBe(0);
      expect(await t.db.runs.getRun(id)).toBeUndefined();
    }
    expect(await keysOfRun(t, 'keep')).toBe(keepKeys);
    expect((await t.saver.verifyThread('keep')).valid).toBe(true);
    await t.saver.deleteThread('never-existed'); // a no-op, as in LangGraph's savers
  });
});

describe('list', () => {
  it('pages through long threads: newest first across pages, with limit, before and a metadata filter', async () => {
    t = await openTestSaver();
    const ids: string[] = [];
    let parent: string | undefined;
    for (let step = 0; step < 150; step++) {
      const id = uuid6(clockseq++);
      const config = {
        configurable: { thread_id: 'long', ...(parent === undefined ? {} : { checkpoint_id: parent }) },
      };
      await t.saver.put(
        config,
        { ...emptyCheckpoint(), id },
        { source: 'loop', step, parents: {}, even: step % 2 === 0 } as CheckpointMetadata,
        {},
      );
      ids.push(id);
      parent = id;
    }
    const list = async (options: Parameters<AgentDBSaver['list']>[1]) => {
      const out: string[] = [];
      for await (const tuple of t!.saver.list({ configurable: { thread_id: 'long' } }, options))
        out.push(tuple.checkpoint.id);
      return out;
    };
    const newestFirst = [...ids].reverse();
    expect(await list({})).toEqual(newestFirst);
    expect(await list({ limit: 70 })).toEqual(newestFirst.slice(0, 70));
    expect(await list({ before: { configurable: { checkpoint_id: ids[100] } } })).toEqual(
      newestFirst.slice(50),
    );
    expect(await list({ filter: { even: true }, limit: 66 })).toEqual(
      newestFirst.filter((_, i) => i % 2 === 1).slice(0, 66),
    );
    expect(await list({ filter: { step: 7 } })).toEqual([ids[7]]);
  });
});

describe('the checkpoint event chain', () => {
  it('appends one event per put, naming the checkpoint, its parent, step and source', async () => {
    t = await openTestSaver();
    const first = await putCheckpoint(t.saver, 't');
    const second = await putCheckpoint(t.saver, 't', first.configurable?.checkpoint_id as string, { a: 1 });
    const events = await t.db.events.readRange('t', 0, 10);
    expect(events.map((e) => e.eventType)).toEqual([CHECKPOINT_EVENT, CHECKPOINT_EVENT]);
    expect(events[1]?.payload).toEqual({
      checkpointId: second.configurable?.checkpoint_id,
      parentId: first.configurable?.checkpoint_id,
      ns: '',
      step: -1,
      source: 'input',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await t.db.events.verifyChain('t')).toEqual({ valid: true, length: 2 });
  });

  it('verifyThread finds a checkpoint or channel value rewritten after the fact', async () => {
    t = await openTestSaver();
    const first = await putCheckpoint(t.saver, 't', undefined, { answer: 42 });
    const firstId = first.configurable?.checkpoint_id as string;
    await putCheckpoint(t.saver, 't', firstId);
    expect(await t.saver.verifyThread('t')).toMatchObject({ valid: true, checkpoints: 2, events: 2 });

    // Rewrite the stored value of channel "answer" through the engine, as buggy or malicious code could.
    const db = t.db;
    await db.engine.transaction(async (tx) => {
      for await (const e of tx.scan(tagRange('t', LANGGRAPH_TAG, 'blob'))) {
        const record = e.value as { value: { type: string; bytes: Uint8Array } };
        tx.put(e.key, { value: { ...record.value, bytes: new TextEncoder().encode('43') } });
      }
    });
    const report = await t.saver.verifyThread('t');
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([`checkpoint ${firstId} does not match the digest of event 0`]);
    expect((await t.db.engine.verify()).ok).toBe(true); // the engine only sees an ordinary logged write
  });

  it('verifyThread reports a checkpoint deleted or added behind the chain, and CORRUPTION is refused on read', async () => {
    t = await openTestSaver();
    const first = await putCheckpoint(t.saver, 't');
    const firstId = first.configurable?.checkpoint_id as string;
    const second = await putCheckpoint(t.saver, 't', firstId);
    const secondId = second.configurable?.checkpoint_id as string;
    const key = (id: string) => Key.of(LANGGRAPH_TAG, 't', 'cp', '/', id);
    const stored = await t.db.engine.get(key(secondId));
    await t.db.engine.transaction((tx) => {
      tx.delete(key(secondId));
      tx.put(key('forged'), stored!);
    });
    expect((await t.saver.verifyThread('t')).problems).toEqual([
      'checkpoint forged has no langgraph.checkpoint event',
      `event 1 names checkpoint ${secondId}, which is missing`,
    ]);
    await t.db.engine.transaction((tx) => tx.put(key(firstId), { not: 'a checkpoint' }));
    await expect(t.saver.getTuple(first)).rejects.toMatchObject({ code: 'CORRUPTION' });
  });
});
