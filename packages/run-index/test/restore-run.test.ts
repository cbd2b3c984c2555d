import { describe, expect, it } from 'vitest';
import type { RunMetadata } from '../src/index.js';
import { indexProblems, useRuns } from './helpers.js';

const record = (over: Partial<RunMetadata> = {}): RunMetadata => ({
  runId: 'moved',
  status: 'completed',
  createdAt: 1_000,
  updatedAt: 2_000,
  completedAt: 2_000,
  tags: ['imported', 'prod'],
  metadata: { from: 'elsewhere' },
  ...over,
});

describe('restoreRun', () => {
  const f = useRuns();

  it('writes the record exactly as given, indexed like any other run', async () => {
    const restored = await f.runs.restoreRun(record());
    expect(restored).toStrictEqual(record());
    expect(await f.runs.getRun('moved')).toStrictEqual(record());
    expect((await f.runs.queryRuns({ status: 'completed', tag: 'prod' })).map((r) => r.runId)).toEqual([
      'moved',
    ]);
    expect(await f.runs.count()).toBe(1);
    expect(await indexProblems(f.db)).toEqual([]);
  });

  it('refuses an existing run unless replace, and replace moves its index entries', async () => {
    await f.runs.restoreRun(record());
    await expect(f.runs.restoreRun(record())).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await f.runs.restoreRun(record({ status: 'failed', error: 'boom', tags: ['other'] }), { replace: true });
    expect(await f.runs.queryRuns({ tag: 'prod' })).toEqual([]);
    expect((await f.runs.queryRuns({ status: 'failed' })).map((r) => r.error)).toEqual(['boom']);
    expect(await f.runs.count()).toBe(1);
    expect(await indexProblems(f.db)).toEqual([]);
  });

  it('needs the parent in the index', async () => {
    await expect(f.runs.restoreRun(record({ parentRunId: 'absent' }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await f.runs.createRun({ runId: 'parent' });
    await f.runs.restoreRun(record({ parentRunId: 'parent' }));
    expect((await f.runs.getChildRuns('parent')).map((r) => r.runId)).toEqual(['moved']);
  });

  it.each([
    ['an unknown status', { status: 'done' }],
    ['a bad run id', { runId: 'no spaces' }],
    ['non-integer timestamps', { createdAt: 1.5 }],
    ['a non-string name', { name: 5 }],
    ['bad tags', { tags: [''] }],
    ['a non-storable metadata', { metadata: { f: () => 1 } }],
  ])('refuses a record with %s (INVALID_ARGUMENT or INVALID_VALUE), writing nothing', async (_name, over) => {
    const err = await f.runs
      .restoreRun(record(over as Partial<RunMetadata>))
      .catch((e: { code: string }) => e.code);
    expect(['INVALID_ARGUMENT', 'INVALID_VALUE']).toContain(err);
    expect(await f.runs.count()).toBe(0);
  });

  it.each([
    ['null', null],
    ['a string', 'r1'],
  ])('refuses %s instead of a record with INVALID_ARGUMENT', async (_name, notARecord) => {
    const err = await f.runs.restoreRun(notARecord as never).catch((e: { code: string }) => e.code);
    expect(err).toBe('INVALID_ARGUMENT');
  });

  it('a view refuses a record of another run', async () => {
    await expect(
      f.db.transaction((tx) => f.runs.in(tx, 'other').restoreRun(record()), { runId: 'other' }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
