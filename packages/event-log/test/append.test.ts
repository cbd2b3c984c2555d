import { AgentDBError, isAgentDBError } from '@agentdb/core';
import type { MutationHandle } from '@agentdb/engine';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Event, GENESIS_HASH } from '../src/index.js';
import { appendMany, type LogFixture, openLog } from './helpers.js';

let f: LogFixture;
beforeEach(async () => {
  f = await openLog();
});
afterEach(() => f.t.dispose());

describe('append', () => {
  it('numbers events from 0 and chains each to the previous hash', async () => {
    const a = await f.events.append('run-1', 'start', { goal: 'x' });
    const b = await f.events.append('run-1', 'step', [1, 2n, new Uint8Array([9])]);
    expect(a).toMatchObject({
      sequence: 0,
      eventType: 'start',
      payload: { goal: 'x' },
      prevHash: GENESIS_HASH,
    });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toMatchObject({ sequence: 1, prevHash: a.hash, payload: [1, 2n, new Uint8Array([9])] });
    expect(await f.events.read('run-1', 0)).toEqual(a);
    expect(await f.events.read('run-1', 1)).toEqual(b);
  });

  it('keeps runs separate: each has its own sequence and chain', async () => {
    await f.events.append('run-1', 'a', 1);
    const other = await f.events.append('run-10', 'a', 1);
    expect(other.sequence).toBe(0);
    expect(await f.events.len('run-1')).toBe(1);
    expect(await f.events.len('run-10')).toBe(1);
  });

  it('gives 1,000 concurrent appenders on one run sequences 0..999 exactly once, with no conflicts', async () => {
    const before = f.db().stats();
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => f.events.append('busy', i % 2 === 0 ? 'even' : 'odd', { i })),
    );
    const after = f.db().stats();
    expect(results.map((e) => e.sequence).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
    expect(after.conflicts - before.conflicts).toBe(0);
    expect(after.retries - before.retries).toBe(0);
    expect(await f.events.len('busy')).toBe(1000);
    expect(await f.events.verifyChain('busy')).toEqual({ valid: true, length: 1000 });
    // Each caller got back the event that is stored at its sequence.
    const stored = await f.events.readRange('busy', 0, 1000);
    for (const e of results) expect(stored[e.sequence]).toEqual(e);
    expect((await f.events.readByType('busy', 'even')).length).toBe(500);
  });

  it('stamps the commit-time clock and never lets timestamps decrease along the log', async () => {
    const a = await f.events.append('run-1', 'a', null);
    f.clock.advance(5);
    const b = await f.events.append('run-1', 'b', null);
    f.clock.advance(-1_000);
    const c = await f.events.append('run-1', 'c', null);
    expect(b.timestamp).toBe(a.timestamp + 5);
    expect(c.timestamp).toBe(b.timestamp);
    expect((await f.events.verifyChain('run-1')).valid).toBe(true);
  });

  it('returns the payload as it reads back, not the caller object', async () => {
    const payload = { list: [1], at: new Date(0), neg: -0 };
    const e = await f.events.append('run-1', 'a', payload);
    payload.list.push(2);
    expect(e.payload).toEqual({ list: [1], at: new Date(0), neg: -0 });
    expect(Object.is((e.payload as { neg: number }).neg, -0)).toBe(true);
    expect(await f.events.read('run-1', 0)).toEqual(e);
  });
});

describe('expectedSequence', () => {
  it('appends when the log has exactly that length', async () => {
    await f.events.append('run-1', 'a', 1, { expectedSequence: 0 });
    const e = await f.events.append('run-1', 'a', 2, { expectedSequence: 1 });
    expect(e.sequence).toBe(1);
  });

  it('fails with VERSION_MISMATCH (expected, actual) and writes nothing otherwise', async () => {
    await f.events.append('run-1', 'a', 1);
    const version = f.db().stats().version;
    const error = await f.events.append('run-1', 'a', 2, { expectedSequence: 5 }).catch((e: unknown) => e);
    expect(isAgentDBError(error, 'VERSION_MISMATCH')).toBe(true);
    expect(error).toMatchObject({ expected: 5, actual: 1 });
    expect(f.db().stats().version).toBe(version);
    expect(await f.events.len('run-1')).toBe(1);
  });

  it('lets exactly one of several racing appenders with the same expectation win', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => f.events.append('run-1', 'claim', i, { expectedSequence: 0 })),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') expect(isAgentDBError(o.reason, 'VERSION_MISMATCH')).toBe(true);
    }
    expect(await f.events.len('run-1')).toBe(1);
  });

  it('in a transaction, a mismatch aborts every write of the transaction', async () => {
    const error = await f
      .db()
      .transaction(
        (tx) => {
          const view = f.events.in(tx);
          view.append('a', 1);
          view.append('a', 2, { expectedSequence: 7 });
        },
        { runId: 'run-1' },
      )
      .catch((e: unknown) => e);
    expect(isAgentDBError(error, 'VERSION_MISMATCH')).toBe(true);
    expect(await f.events.len('run-1')).toBe(0);
  });
});

describe('transaction view', () => {
  it('appends several events atomically and settles their handles after commit', async () => {
    const handles: MutationHandle<Event>[] = [];
    await f.db().transaction(
      (tx) => {
        handles.push(
          f.events.in(tx).append('a', 1),
          f.events.in(tx, 'run-2').append('b', 2),
          f.events.in(tx).append('c', 3),
        );
      },
      { runId: 'run-1' },
    );
    const [a, b, c] = await Promise.all(handles);
    expect([a?.sequence, b?.sequence, c?.sequence]).toEqual([0, 0, 1]);
    expect(c?.prevHash).toBe(a?.hash);
    expect(await f.events.verifyChain('run-1')).toEqual({ valid: true, length: 2 });
  });

  it('refuses to await an append handle inside the transaction, without hanging', async () => {
    const error = await f
      .db()
      .transaction(
        async (tx) => {
          await f.events.in(tx).append('a', 1);
        },
        { runId: 'run-1' },
      )
      .catch((e: unknown) => e);
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(await f.events.len('run-1')).toBe(0);
  });

  it('an aborted transaction consumes no sequence and leaves no gap', async () => {
    await f.events.append('run-1', 'a', 0);
    let pending: MutationHandle<Event> | undefined;
    const boom = new AgentDBError('STORAGE', 'user abort');
    await expect(
      f.db().transaction(
        (tx) => {
          pending = f.events.in(tx).append('doomed', 1);
          throw boom;
        },
        { runId: 'run-1' },
      ),
    ).rejects.toBe(boom);
    await expect(pending).rejects.toBe(boom);
    const next = await f.events.append('run-1', 'b', 2);
    expect(next.sequence).toBe(1);
    expect(await f.events.readByType('run-1', 'doomed')).toEqual([]);
    expect(await f.events.verifyChain('run-1')).toEqual({ valid: true, length: 2 });
  });

  it('reads inside a transaction see its snapshot, not its own pending appends', async () => {
    await f.events.append('run-1', 'a', 0);
    const seen = await f.db().transaction(
      async (tx) => {
        const view = f.events.in(tx);
        view.append('b', 1);
        return {
          len: await view.len(),
          head: (await view.head())?.sequence,
          range: (await view.readRange(0, 9)).length,
        };
      },
      { runId: 'run-1' },
    );
    expect(seen).toEqual({ len: 1, head: 0, range: 1 });
    expect(await f.events.len('run-1')).toBe(2);
  });

  it('in(tx) without a run id on either side is INVALID_ARGUMENT', async () => {
    const error = await f
      .db()
      .transaction((tx) => f.events.in(tx))
      .catch((e: unknown) => e);
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('appendMany helper builds long logs in few transactions', async () => {
    const out = await appendMany(f, 'run-1', 2500, (i) => `t${i % 3}`);
    expect(out.at(-1)?.sequence).toBe(2499);
    expect(await f.events.verifyChain('run-1')).toEqual({ valid: true, length: 2500 });
  });
});
