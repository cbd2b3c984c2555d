import { systemRange, type Value } from '@agentdb/core';
import { badOptions, flipping, hostileValues, shiftingProxy } from '@agentdb/core/testing';
import { describe, expect, it } from 'vitest';
import type { CreateRunOptions, RunMetadata } from '../src/index.js';
import { indexProblems, keysIn, useRuns } from './helpers.js';

// Options and records that change as they are read (repro-toctou.mjs), misspelt options and hostile
// metadata: read once, so what is checked is what is stored; every refusal leaves the index unchanged.

describe('hostile input to the run index', () => {
  const f = useRuns();

  async function dump() {
    return { version: f.db.stats().version, keys: await keysIn(f.db, systemRange()) };
  }

  async function refused(p: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
    const before = await dump();
    const error = await p().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code });
    if (message !== undefined) expect((error as Error).message).toMatch(message);
    expect(await dump()).toStrictEqual(before);
  }

  it('createRun getters are read once: the name, id and parent checked are the ones stored', async () => {
    await f.runs.createRun({ runId: 'p' });
    const opts = Object.defineProperties({} as CreateRunOptions, {
      runId: { enumerable: true, get: flipSource('child', 'bad id!') },
      name: { enumerable: true, get: flipSource('ok', 42) },
      parentRunId: { enumerable: true, get: flipSource('p', 'bad id!') },
    });
    const run = await f.runs.createRun(opts);
    expect(run).toMatchObject({ runId: 'child', name: 'ok', parentRunId: 'p' });
    expect(await f.runs.getRun('child')).toMatchObject({ name: 'ok', parentRunId: 'p' });
    expect((await f.runs.getChildRuns('p')).map((r) => r.runId)).toEqual(['child']);
    expect((await f.runs.queryRuns({ status: 'active' })).map((r) => r.name)).toContain('ok');
    expect(await indexProblems(f.db)).toEqual([]);
  });

  it('an error getter is read once: the error checked is the error recorded', async () => {
    await f.runs.createRun({ runId: 'r' });
    const run = await f.runs.updateStatus('r', 'failed', flipping('error', 'boom', 7) as { error: string });
    expect(run.error).toBe('boom');
    expect((await f.runs.getRun('r'))?.error).toBe('boom');
  });

  it('a restoreRun record read through a proxy is read once', async () => {
    const base: RunMetadata = {
      runId: 'm',
      status: 'completed',
      createdAt: 1,
      updatedAt: 2,
      tags: [],
      metadata: {},
    };
    const restored = await f.runs.restoreRun(
      shiftingProxy({ ...base }, 'status', 'completed', 'nonsense') as never,
    );
    expect(restored.status).toBe('completed');
    expect((await f.runs.getRun('m'))?.status).toBe('completed');
    expect(await indexProblems(f.db)).toEqual([]);
  });

  it('a misspelt field of a restored record is refused, naming the closest known field', async () => {
    const base = { runId: 'm', status: 'completed', createdAt: 1, updatedAt: 2, tags: [], metadata: {} };
    await refused(
      () => f.runs.restoreRun({ ...base, parentRunID: 'x' } as never),
      'INVALID_ARGUMENT',
      /did you mean "parentRunId"\?/,
    );
  });

  it.each(hostileValues())('metadata: %s', async (_name, make, outcome) => {
    await f.runs.createRun({ runId: 'keep' });
    if ('refused' in outcome) {
      await refused(() => f.runs.createRun({ runId: 'h', metadata: make() as Value }), outcome.refused);
      await refused(() => f.runs.updateMetadata('keep', make() as Value), outcome.refused);
      return;
    }
    expect((await f.runs.createRun({ runId: 'h', metadata: make() as Value })).metadata).toStrictEqual(
      outcome.stored,
    );
    expect((await f.runs.getRun('h'))?.metadata).toStrictEqual(outcome.stored);
    await f.runs.updateMetadata('keep', make() as Value);
    expect((await f.runs.getRun('keep'))?.metadata).toStrictEqual(outcome.stored);
  });

  it.each([
    [
      'createRun',
      badOptions({ name: 'n', tags: [] }, { nmae: 'name', parentId: 'parentRunId', tag: 'tags' }),
    ],
    ['updateStatus', badOptions({ error: 'e' }, { err: 'error', reason: 'error' })],
    ['deleteRun', badOptions({ recursive: true }, { recusive: 'recursive', recursively: 'recursive' })],
    ['restoreRun', badOptions({ replace: true }, { replac: 'replace', overwrite: 'replace' })],
    ['queryRuns', badOptions({ status: 'active', limit: 1 }, { stauts: 'status', limt: 'limit' })],
  ] as const)('%s refuses misspelt and non-plain options', async (method, cases) => {
    const keep = await f.runs.createRun({ runId: 'keep' });
    const call: Record<string, (opts: unknown) => Promise<unknown>> = {
      createRun: (o) => f.runs.createRun(o as never),
      updateStatus: (o) => f.runs.updateStatus('keep', 'failed', o as never),
      deleteRun: (o) => f.runs.deleteRun('keep', o as never),
      restoreRun: (o) => f.runs.restoreRun(keep, o as never),
      queryRuns: (o) => f.runs.queryRuns(o as never),
    };
    for (const [, opts] of cases) await refused(() => call[method]!(opts), 'INVALID_ARGUMENT');
  });
});

/** A getter body answering `first`, then `later`. */
function flipSource(first: unknown, later: unknown): () => unknown {
  let reads = 0;
  return () => (reads++ === 0 ? first : later);
}
