import type { Value } from '@agentdb/core';
import { describe, expect, it } from 'vitest';
import { indexKey, recordKey } from '../src/layout.js';
import { rejectionOf, useRuns } from './helpers.js';

/**
 * Run records and index entries that RunIndex could not have written (put directly through the
 * engine, as a foreign writer would) read as CORRUPTION, never as a wrong run.
 */
describe('damaged run-index data', () => {
  const f = useRuns();

  async function forge(key: Uint8Array, value: Value | undefined): Promise<void> {
    await f.db.transaction((tx) => (value === undefined ? tx.delete(key) : tx.put(key, value)));
  }

  it.each([
    ['not an object', () => ['r1']],
    ['without timestamps', (good: Record<string, Value>) => ({ ...good, updatedAt: 'later' })],
    ['with malformed tags', (good: Record<string, Value>) => ({ ...good, tags: [1, 2] })],
  ])('a run record %s reads as CORRUPTION', async (_name, damage) => {
    await f.runs.createRun({ runId: 'r1' });
    const good = (await f.db.get(recordKey('r1'))) as Record<string, Value>;
    await forge(recordKey('r1'), damage(good) as Value);
    expect(await rejectionOf(f.runs.getRun('r1'))).toMatchObject({ code: 'CORRUPTION' });
    expect(await rejectionOf(f.runs.queryRuns())).toMatchObject({ code: 'CORRUPTION' });
  });

  it('an index entry whose record is gone reads as CORRUPTION', async () => {
    await f.runs.createRun({ runId: 'r1' });
    await forge(recordKey('r1'), undefined);
    expect(await rejectionOf(f.runs.queryRuns())).toMatchObject({
      code: 'CORRUPTION',
      message: expect.stringContaining('its record is missing'),
    });
  });

  it('an index entry that does not hold its position reads as CORRUPTION', async () => {
    const run = await f.runs.createRun({ runId: 'r1' });
    await forge(indexKey(['created'], run.createdAt, 'r1'), 'r1');
    expect(await rejectionOf(f.runs.queryRuns())).toMatchObject({ code: 'CORRUPTION' });
  });
});
