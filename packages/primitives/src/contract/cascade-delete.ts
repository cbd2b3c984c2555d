import { MESSAGE_QUEUE_TAG, MessageQueue, messageQueueRange } from '@agentdb/example-message-queue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentDB,
  type CommitRecord,
  decodeKey,
  type MutationHandle,
  runRange,
  TypeTag,
} from '../index.js';
import { indexProblems } from './index-checker.js';
import { type AgentFixture, openFixture, type PrimitivesSubject } from './subject.js';

/**
 * `doomed` and its child use all five primitives plus the message-queue extension (TypeTag 0x10);
 * `doomed1` (whose id extends `doomed`) does the same and must come through untouched.
 */
const DOOMED = 'doomed';
const CHILD = 'doomed-child';
const SIBLING = 'doomed1';

async function useEverything(
  db: AgentDB,
  queue: MessageQueue,
  runId: string,
  parentRunId?: string,
): Promise<void> {
  let sent!: MutationHandle<number>;
  await db.transaction(runId, async (tx) => {
    await tx.runs.createRun({ tags: ['cascade'], ...(parentRunId === undefined ? {} : { parentRunId }) });
    await tx.kv.put('plan', ['a', 'b']);
    await tx.kv.put('cache', 1, { ttlMs: 60_000 });
    tx.events.append('tool_call', { runId });
    tx.events.append('tool_result', { ok: true });
    await tx.state.init('phase', 'planning');
    await tx.state.init('lock', 'me');
    await tx.state.delete('lock'); // leaves a high-water mark, which must go too
    const root = await tx.traces.record({ type: 'thought', content: 'go' }, { tags: ['plan', 'x'] });
    await tx.traces.recordChild(
      root,
      { type: 'tool_call', toolName: 'search', arguments: { q: 1 } },
      { tags: ['x'] },
    );
    sent = queue.in(tx.tx).send('jobs', { job: 1 });
    queue.in(tx.tx).send('jobs', { job: 2 });
    queue.in(tx.tx).send('results', { job: 0 });
  });
  expect(await sent).toBe(0);
  expect(await queue.receive(runId, 'jobs')).toMatchObject([{ sequence: 0, message: { job: 1 } }]);
}

/** Every stored key and value of a run's range, hex-encoded, and the TypeTags among them. */
async function dump(db: AgentDB, runId: string): Promise<{ entries: string[]; tags: Set<number> }> {
  const entries: string[] = [];
  const tags = new Set<number>();
  for await (const { key, value, version } of db.engine.scan(runRange(runId))) {
    entries.push(`${Buffer.from(key).toString('hex')}=${JSON.stringify(value)}@${version}`);
    tags.add(decodeKey(key).tag);
  }
  return { entries, tags };
}

/** Cascade delete of a run that used all five primitives and the message-queue extension, on `subject`'s engine. */
export function cascadeDeleteSuite(name: string, subject: PrimitivesSubject): void {
  describe(`cascade delete of a run that used every primitive and an extension (${name})`, () => {
    let f: AgentFixture;
    let queue: MessageQueue;
    beforeEach(async () => {
      f = await openFixture(subject);
      queue = new MessageQueue(f.db.engine);
      for (const [run, parent] of [[DOOMED], [CHILD, DOOMED], [SIBLING]] as const)
        await useEverything(f.db, queue, run, parent);
    });
    afterEach(() => f.dispose());

    it('leaves zero keys of the run and its child, under every TypeTag, and the sibling untouched', async () => {
      const doomed = await dump(f.db, DOOMED);
      const child = await dump(f.db, CHILD);
      // The run really did store data under every run-scoped TypeTag, the extension's included.
      expect([...doomed.tags].sort((a, b) => a - b)).toEqual([
        TypeTag.KV,
        TypeTag.Event,
        TypeTag.State,
        TypeTag.Trace,
        MESSAGE_QUEUE_TAG,
      ]);
      const sibling = await dump(f.db, SIBLING);
      const siblingRun = await f.db.runs.getRun(SIBLING);

      const { keysDeleted } = await f.db.runs.deleteRun(DOOMED, { recursive: true });
      // Data keys of both runs plus, per run, its record and index entries
      // (record, status, created, one tag, and the parent entry of the child).
      expect(keysDeleted).toBe(doomed.entries.length + child.entries.length + 4 + 5);

      for (const check of ['now', 'after reopen'] as const) {
        if (check === 'after reopen') await f.reopen();
        expect((await dump(f.db, DOOMED)).entries, check).toEqual([]);
        expect((await dump(f.db, CHILD)).entries, check).toEqual([]);
        expect(await f.db.runs.getRun(DOOMED)).toBeUndefined();
        expect(await f.db.runs.getRun(CHILD)).toBeUndefined();
        expect(await f.db.runs.queryRuns({ tag: 'cascade' })).toEqual([siblingRun]);
        expect(await dump(f.db, SIBLING)).toEqual(sibling);
        expect(await new MessageQueue(f.db.engine).size(SIBLING, 'jobs')).toBe(1);
        expect(await indexProblems(f.db.engine)).toEqual([]);
        expect(await f.db.engine.verify()).toEqual({ ok: true, problems: [] });
      }
    });

    it('is one commit whose log record deletes the extension keys with the rest', async () => {
      const queueKeys: string[] = [];
      for await (const { key } of f.db.engine.scan(messageQueueRange(DOOMED)))
        queueKeys.push(Buffer.from(key).toString('hex'));
      expect(queueKeys.length).toBeGreaterThan(0);
      const before = f.db.engine.stats().commits;
      await f.db.runs.deleteRun(DOOMED, { recursive: true });
      expect(f.db.engine.stats().commits).toBe(before + 1);
      let last: CommitRecord | undefined;
      for await (const c of f.db.engine.changes({ since: 0 })) last = c;
      const deleted = new Set(
        last!.writes.filter((w) => w.type === 'delete').map((w) => Buffer.from(w.key).toString('hex')),
      );
      for (const k of queueKeys) expect(deleted.has(k)).toBe(true);
      expect(last!.runIds).toEqual(expect.arrayContaining([DOOMED, CHILD]));
    });

    it('a fresh run under the same id starts empty in every primitive, versions and sequences included', async () => {
      await f.db.runs.deleteRun(DOOMED, { recursive: true });
      await f.db.transaction(DOOMED, async (tx) => {
        await tx.runs.createRun();
        expect(await tx.state.init('lock', 'again')).toBe(1); // the high-water mark went with the run
        tx.events.append('restart', {});
      });
      expect((await f.db.events.head(DOOMED))?.sequence).toBe(0);
      expect(await queue.size(DOOMED, 'jobs')).toBe(0);
      expect(await f.db.kv.list(DOOMED)).toEqual([]);
      expect(await f.db.traces.count(DOOMED)).toBe(0);
    });
  });
}
