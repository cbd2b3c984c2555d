import { Key } from '@agentdb/core';
import { openRawData } from '@agentdb/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { indexProblems } from '../src/contract/index-checker.js';
import type { AgentDB } from '../src/index.js';
import { type AgentFixture, openAgentFixture } from './helpers/fixture.js';

/** A small store that uses every index: traces with tags and parents, typed events, runs with tags and a parent. */
async function populate(db: AgentDB): Promise<{ root: string; child: string; at: number }> {
  await db.runs.createRun({ runId: 'parent', tags: ['prod'] });
  await db.runs.createRun({ runId: 'kid', parentRunId: 'parent', tags: ['prod', 'eval'] });
  let root = '';
  let child = '';
  await db.transaction('kid', async (tx) => {
    root = await tx.traces.record({ type: 'thought', content: 'plan' }, { tags: ['a', 'b'] });
    child = await tx.traces.recordChild(root, { type: 'custom', name: 'step', data: 1 }, { tags: ['a'] });
    tx.events.append('started', { n: 1 });
    tx.events.append('tool_call', { tool: 'search' });
    await tx.kv.put('plan', ['search']);
    await tx.state.init('phase', 'planning');
  });
  const trace = await db.traces.get('kid', root);
  return { root, child, at: trace!.timestamp };
}

describe('the index checker', () => {
  let f: AgentFixture;
  let ids: { root: string; child: string; at: number };
  beforeEach(async () => {
    f = await openAgentFixture();
    ids = await populate(f.db);
  });
  afterEach(() => f.dispose());

  it('finds nothing wrong in a store written through the primitives', async () => {
    expect(await indexProblems(f.db.engine)).toEqual([]);
    expect(await f.db.engine.verify()).toEqual({ ok: true, problems: [] });
  });

  /** Closes the database, lets `edit` change raw stored bytes, reopens, and returns what the checker says. */
  async function afterTampering(
    edit: (raw: Awaited<ReturnType<typeof openRawData>>) => void,
  ): Promise<string[]> {
    await f.db.close();
    const raw = await openRawData(f.path);
    try {
      edit(raw);
    } finally {
      await raw.close();
    }
    await f.reopen();
    // The engine's own check (data against the commit log) sees the raw edit too, independently.
    expect((await f.db.engine.verify()).ok).toBe(false);
    return indexProblems(f.db.engine);
  }

  it('reports a trace whose tag index entry was deleted (record → index direction)', async () => {
    const problems = await afterTampering((raw) =>
      raw.remove(Key.trace('kid', 'tag', 'b', ids.at, ids.root)),
    );
    expect(problems).toEqual([
      `trace run kid: trace ${ids.root} lacks index entry ["tag","b",${ids.at},"${ids.root}"]`,
    ]);
  });

  it('reports index entries left behind by a deleted trace record (index → record direction)', async () => {
    const problems = await afterTampering((raw) => raw.remove(Key.trace('kid', 't', ids.child)));
    expect(problems).toContain(
      `trace run kid: index entry ["tag","a",${ids.at},"${ids.child}"] points at no trace that belongs there`,
    );
    expect(problems).toContain(
      `trace run kid: index entry ["child","${ids.root}",${ids.at},"${ids.child}"] points at no trace that belongs there`,
    );
    expect(problems).toContain('trace run kid: counter 2 but 1 records');
  });

  it('reports a stray trace index entry filed under a tag the trace does not have', async () => {
    const problems = await afterTampering((raw) => {
      const bytes = raw.get(Key.trace('kid', 'tag', 'a', ids.at, ids.root))!;
      raw.put(Key.trace('kid', 'tag', 'a__b', ids.at, ids.root), bytes);
    });
    expect(problems).toEqual([
      `trace run kid: index entry ["tag","a__b",${ids.at},"${ids.root}"] points at no trace that belongs there`,
    ]);
  });

  it('reports a run whose status index entry was deleted', async () => {
    const run = (await f.db.runs.getRun('kid'))!;
    const problems = await afterTampering((raw) =>
      raw.remove(Key.run('status', 'active', run.createdAt, 'kid')),
    );
    expect(problems).toEqual([`run index: missing index entry ["status","active",${run.createdAt},"kid"]`]);
  });

  it('reports a run index entry whose record is gone, and the counter that disagrees', async () => {
    const run = (await f.db.runs.getRun('kid'))!;
    const problems = await afterTampering((raw) => raw.remove(Key.run('record', 'kid')));
    expect(problems).toContain(
      `run index: index entry ["parent","parent",${run.createdAt},"kid"] points at no run that belongs there`,
    );
    expect(problems).toContain(
      `run index: index entry ["tag","eval",${run.createdAt},"kid"] points at no run that belongs there`,
    );
    expect(problems).toContain('run index: counter 2 but 1 records');
  });

  it('reports an event whose type-index entry was deleted', async () => {
    const problems = await afterTampering((raw) =>
      raw.remove(Key.of(0x02, 'kid', 'by-type', 'tool_call', 1)),
    );
    expect(problems).toEqual(['event run kid: event 1 lacks type-index entry ["by-type","tool_call",1]']);
  });

  it('reports a deleted event as a gap, a wrong metadata length and a stale type-index entry', async () => {
    const problems = await afterTampering((raw) => raw.remove(Key.event('kid', 0)));
    expect(problems).toEqual([
      'event run kid: type-index entry ["by-type","started",0] points at no event of that type',
      'event run kid: sequence 0 missing (not contiguous)',
      'event run kid: metadata length 2 but 1 events',
    ]);
  });
});
