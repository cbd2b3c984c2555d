import { isAgentDBError } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import {
  isValidTransition,
  RUN_STATUSES,
  type RunIndex,
  type RunMetadata,
  type RunStatus,
} from '../src/index.js';
import { indexProblems, rejectionOf, useRuns } from './helpers.js';

// The documented table (docs/architecture.md, README), written out independently of the implementation.
const ALLOWED = new Set([
  'active>active',
  'active>completed',
  'active>failed',
  'active>cancelled',
  'active>paused',
  'active>archived',
  'paused>active',
  'paused>cancelled',
  'paused>archived',
  'completed>archived',
  'failed>archived',
  'cancelled>archived',
]);

const PAIRS = RUN_STATUSES.flatMap((from) =>
  RUN_STATUSES.map((to) => ({ from, to, valid: ALLOWED.has(`${from}>${to}`) })),
);

/** The named helper that moves a run to `to`. */
function viaHelper(runs: RunIndex, runId: string, to: RunStatus): Promise<RunMetadata> {
  switch (to) {
    case 'active':
      return runs.resumeRun(runId);
    case 'completed':
      return runs.completeRun(runId);
    case 'failed':
      return runs.failRun(runId, 'boom');
    case 'cancelled':
      return runs.cancelRun(runId);
    case 'paused':
      return runs.pauseRun(runId);
    case 'archived':
      return runs.archiveRun(runId);
  }
}

describe('transitions', () => {
  const shared = useRuns({ shared: true });

  it('covers exactly 36 pairs, 12 of them allowed', () => {
    expect(PAIRS).toHaveLength(36);
    expect(PAIRS.filter((p) => p.valid)).toHaveLength(12);
  });

  it.each(PAIRS)('isValidTransition($from, $to) is $valid', ({ from, to, valid }) => {
    expect(isValidTransition(from, to)).toBe(valid);
  });

  it('isValidTransition refuses unknown statuses', () => {
    expect(isValidTransition('active', 'done' as RunStatus)).toBe(false);
    expect(isValidTransition('running' as RunStatus, 'active')).toBe(false);
  });

  describe.each([
    { via: 'updateStatus', move: (runs: RunIndex, id: string, to: RunStatus) => runs.updateStatus(id, to) },
    { via: 'helper', move: viaHelper },
  ])('through $via', ({ via, move }) => {
    it.each(PAIRS)('$from → $to: allowed=$valid', async ({ from, to, valid }) => {
      const { runs, clock } = shared;
      const id = `${via}-${from}-${to}`;
      const created = await runs.createRun({ runId: id, tags: [id] });
      clock.advance(10);
      // Every status is reachable from active in one step.
      const start = from === 'active' ? created : await runs.updateStatus(id, from);
      expect(start.status).toBe(from);
      clock.advance(10);
      const error = await rejectionOf(move(runs, id, to));
      const stored = await runs.getRun(id);
      if (!valid) {
        expect(isAgentDBError(error, 'INVALID_TRANSITION'), String(error)).toBe(true);
        expect(error).toMatchObject({ from, to });
        expect(stored).toStrictEqual(start); // nothing written
        return;
      }
      expect(error).toBeUndefined();
      expect(stored!.status).toBe(to);
      if (from === 'active' && to === 'active') {
        expect(stored).toStrictEqual(start); // the no-op writes nothing, not even updatedAt
      } else {
        expect(stored!.updatedAt).toBe(clock());
        expect(stored!.updatedAt).toBeGreaterThan(start.updatedAt);
      }
      // The status index moved with the record.
      expect(await runs.queryRuns({ status: to, tag: id })).toStrictEqual([stored]);
      if (from !== to) expect(await runs.queryRuns({ status: from, tag: id })).toStrictEqual([]);
    });
  });

  it('leaves every index consistent with its record', async () => {
    expect(await indexProblems(shared.db)).toStrictEqual([]);
    expect(await shared.runs.count()).toBe(72);
  });
});

describe('completedAt and error', () => {
  const f = useRuns();

  it.each(['completed', 'failed', 'cancelled'] as const)(
    'entering %s sets completedAt to now',
    async (status) => {
      const { runs, clock } = f;
      await runs.createRun({ runId: 'r' });
      expect((await runs.getRun('r'))!.completedAt).toBeUndefined();
      clock.advance(5_000);
      const done = await runs.updateStatus('r', status);
      expect(done.completedAt).toBe(clock());
      expect((await runs.getRun('r'))!.completedAt).toBe(clock());
    },
  );

  it('paused → cancelled sets completedAt; pausing and resuming do not', async () => {
    const { runs, clock } = f;
    await runs.createRun({ runId: 'r' });
    clock.advance(1);
    expect((await runs.pauseRun('r')).completedAt).toBeUndefined();
    expect((await runs.resumeRun('r')).completedAt).toBeUndefined();
    await runs.pauseRun('r');
    clock.advance(1);
    expect((await runs.cancelRun('r')).completedAt).toBe(clock());
  });

  it('archiving keeps completedAt and the error; archiving an active run sets no completedAt', async () => {
    const { runs, clock } = f;
    await runs.createRun({ runId: 'a' });
    await runs.createRun({ runId: 'b' });
    const failedAt = clock();
    await runs.failRun('a', 'tool timed out');
    clock.advance(100);
    const archived = await runs.archiveRun('a');
    expect(archived).toMatchObject({ status: 'archived', completedAt: failedAt, error: 'tool timed out' });
    expect(archived.updatedAt).toBe(failedAt + 100);
    expect((await runs.archiveRun('b')).completedAt).toBeUndefined();
  });

  it('failRun stores the error; updateStatus(failed, { error }) too', async () => {
    const { runs } = f;
    await runs.createRun({ runId: 'a' });
    await runs.createRun({ runId: 'b' });
    expect((await runs.failRun('a', 'rate limited')).error).toBe('rate limited');
    expect((await runs.getRun('a'))!.error).toBe('rate limited');
    await runs.updateStatus('b', 'failed', { error: 'oom' });
    expect((await runs.getRun('b'))!.error).toBe('oom');
  });

  it('a run that did not fail has no error field at all', async () => {
    const { runs } = f;
    await runs.createRun({ runId: 'a' });
    const done = await runs.completeRun('a');
    expect('error' in done).toBe(false);
    expect('error' in (await runs.getRun('a'))!).toBe(false);
  });
});
