import { runRange } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentDB,
  type CommitRecord,
  type Event,
  isAgentDBError,
  type MutationHandle,
} from '../index.js';
import { indexProblems } from './index-checker.js';
import { type AgentFixture, openFixture, type PrimitivesSubject, rejectionOf } from './subject.js';

const RUN = 'atomic';

/** Everything a reader can see of RUN, through every primitive, plus its raw keys. */
async function snapshot(db: AgentDB) {
  const keys: string[] = [];
  for await (const { key } of db.engine.scan(runRange(RUN))) keys.push(Buffer.from(key).toString('hex'));
  return {
    kv: await db.kv.listWithValues(RUN),
    events: await db.events.readRange(RUN, 0, 100),
    len: await db.events.len(RUN),
    state: await db.state.read(RUN, 'phase'),
    traces: await db.traces.list(RUN),
    run: await db.runs.getRun(RUN),
    keys,
  };
}

/** Atomicity across all five primitives: all of a transaction or none of it, on `subject`'s engine. */
export function atomicitySuite(name: string, subject: PrimitivesSubject): void {
  describe(`a transaction across all five primitives (${name})`, () => {
    let f: AgentFixture;
    beforeEach(async () => {
      f = await openFixture(subject);
      await f.db.runs.createRun({ runId: RUN });
      await f.db.state.init(RUN, 'phase', 'planning');
      await f.db.events.append(RUN, 'started', {});
    });
    afterEach(() => f.dispose());

    it('that throws leaves none of its five writes, consumes no event sequence, and rejects its handles', async () => {
      const before = await snapshot(f.db);
      const boom = new Error('tool crashed');
      let pending!: MutationHandle<Event>;
      let seenInside: unknown;
      const error = await rejectionOf(
        f.db.transaction(RUN, async (tx) => {
          await tx.kv.put('plan', ['search', 'answer']);
          pending = tx.events.append('tool_call', { tool: 'search' });
          await tx.state.cas('phase', 1, 'acting');
          const id = await tx.traces.record({ type: 'thought', content: 'search first' }, { tags: ['plan'] });
          await tx.runs.pauseRun();
          // Inside, every write is visible to the transaction itself…
          seenInside = {
            plan: await tx.kv.get('plan'),
            phase: (await tx.state.read('phase'))?.value,
            trace: (await tx.traces.get(id))?.traceType,
            status: (await tx.runs.getRun())?.status,
          };
          throw boom;
        }),
      );
      expect(seenInside).toEqual({
        plan: ['search', 'answer'],
        phase: 'acting',
        trace: { type: 'thought', content: 'search first' },
        status: 'paused',
      });
      // …outside, none of them: the user's error comes back unchanged, and the store is byte-for-byte as before.
      expect(error).toBe(boom);
      expect(await rejectionOf(pending)).toBe(boom);
      expect(await snapshot(f.db)).toEqual(before);
      expect(before.len).toBe(1);
      // No sequence was consumed: the next append gets 1 and the chain is intact.
      expect((await f.db.events.append(RUN, 'next', {})).sequence).toBe(1);
      expect(await f.db.events.verifyChain(RUN)).toEqual({ valid: true, length: 2 });
      expect(await indexProblems(f.db.engine)).toEqual([]);
    });

    it('whose cas fails aborts the writes made before it, with VERSION_MISMATCH and its versions', async () => {
      const before = await snapshot(f.db);
      let pending!: MutationHandle<Event>;
      const error = await rejectionOf(
        f.db.transaction(RUN, async (tx) => {
          await tx.kv.put('plan', 1);
          pending = tx.events.append('tool_call', {});
          await tx.traces.record({ type: 'thought', content: 'x' });
          await tx.runs.completeRun();
          await tx.state.cas('phase', 7, 'acting'); // the cell is at version 1
        }),
      );
      expect(isAgentDBError(error, 'VERSION_MISMATCH')).toBe(true);
      expect(error).toMatchObject({ expected: 7, actual: 1 });
      expect(await rejectionOf(pending)).toBe(error);
      expect(await snapshot(f.db)).toEqual(before);
    });

    it('commits all five together, and the event handle settles after commit', async () => {
      let pending!: MutationHandle<Event>;
      let traceId = '';
      await f.db.transaction(RUN, async (tx) => {
        await tx.kv.put('plan', ['search']);
        pending = tx.events.append('tool_call', { tool: 'search' });
        await tx.state.cas('phase', 1, 'acting');
        traceId = await tx.traces.record({ type: 'thought', content: 'go' }, { tags: ['plan'] });
        await tx.runs.pauseRun();
      });
      const event = await pending;
      expect(event).toMatchObject({ sequence: 1, eventType: 'tool_call', payload: { tool: 'search' } });
      expect(await f.db.kv.get(RUN, 'plan')).toEqual(['search']);
      expect(await f.db.state.read(RUN, 'phase')).toMatchObject({ value: 'acting', version: 2 });
      expect((await f.db.traces.queryByTag(RUN, 'plan')).map((t) => t.id)).toEqual([traceId]);
      expect((await f.db.runs.getRun(RUN))?.status).toBe('paused');
      expect(await f.db.events.head(RUN)).toEqual(event);
      // One transaction is one commit: the commit log holds all of it as a single record.
      const last = await lastCommit(f.db);
      expect(last.runIds).toContain(RUN);
      expect(last.writes.length).toBeGreaterThanOrEqual(5);
    });

    it('that loses a conflict re-runs as a whole and commits exactly once', async () => {
      const conflictsBefore = f.db.engine.stats().conflicts;
      let attempts = 0;
      let pending!: MutationHandle<Event>;
      await f.db.transaction(RUN, async (tx) => {
        attempts++;
        const phase = (await tx.state.read('phase'))!;
        if (attempts === 1) {
          // Another writer changes the cell this transaction has read, and commits first.
          await f.db.state.set(RUN, 'phase', 'interrupted');
        }
        await tx.kv.put('attempt', attempts);
        pending = tx.events.append('tool_call', { attempt: attempts });
        await tx.traces.record({ type: 'thought', content: `attempt ${attempts}` }, { id: `t${attempts}` });
        await tx.runs.addTags([`attempt-${attempts}`]);
        await tx.state.cas('phase', phase.version, `acting after ${String(phase.value)}`);
      });
      expect(attempts).toBe(2);
      expect(f.db.engine.stats().conflicts).toBe(conflictsBefore + 1);
      // Only the second attempt's writes exist, each once.
      expect(await pending).toMatchObject({ sequence: 1, payload: { attempt: 2 } });
      expect(await f.db.events.len(RUN)).toBe(2);
      expect(await f.db.kv.get(RUN, 'attempt')).toBe(2);
      expect((await f.db.traces.list(RUN)).map((t) => t.id)).toEqual(['t2']);
      expect((await f.db.runs.getRun(RUN))?.tags).toEqual(['attempt-2']);
      expect(await f.db.state.read(RUN, 'phase')).toMatchObject({
        value: 'acting after interrupted',
        version: 3,
      });
      expect(await f.db.events.verifyChain(RUN)).toEqual({ valid: true, length: 2 });
      expect(await indexProblems(f.db.engine)).toEqual([]);
    });

    it('that read an index is re-run when another writer adds to it (no phantom)', async () => {
      let attempts = 0;
      await f.db.transaction(RUN, async (tx) => {
        attempts++;
        const tagged = await tx.traces.queryByTag('todo');
        if (attempts === 1)
          await f.db.traces.record(RUN, { type: 'thought', content: 'new' }, { tags: ['todo'] });
        await tx.kv.put('todo-count', tagged.length);
        tx.events.append('counted', { n: tagged.length });
      });
      expect(attempts).toBe(2);
      expect(await f.db.kv.get(RUN, 'todo-count')).toBe(1);
      expect((await f.db.events.head(RUN))?.payload).toEqual({ n: 1 });
    });
  });
}

/** The newest record of the commit log. */
async function lastCommit(db: AgentDB): Promise<CommitRecord> {
  let last: CommitRecord | undefined;
  for await (const c of db.engine.changes({ since: 0 })) last = c;
  if (last === undefined) throw new Error('the commit log is empty');
  return last;
}
