import { fileURLToPath } from 'node:url';
import { AgentDB } from '@agentdb/primitives';
import { indexProblems } from '@agentdb/primitives/contract';
import { expect, inject, it } from 'vitest';
import { PostgresDatabase } from '../src/index.js';
import { freshSchema } from './helpers/engine.js';
import { runNode } from './helpers/processes.js';

const WORKER = fileURLToPath(new URL('./fixtures/fleet-worker.mjs', import.meta.url));
const PROCESSES = 4;
const EACH = 500;

it(`${PROCESSES} OS processes × ${EACH} cross-primitive transactions: exact counters, contiguous valid chains, consistent indices`, async () => {
  const url = inject('pgUrl');
  const schema = freshSchema();
  const db = new AgentDB(await PostgresDatabase.open({ connectionString: url, schema, sweepIntervalMs: 0 }));
  try {
    await db.runs.createRun({ runId: 'fleet' });
    await db.state.init('fleet', 'counter', 0);
    const runs = await Promise.all(
      Array.from({ length: PROCESSES }, (_, w) => runNode(WORKER, [url, schema, String(w), String(EACH)])),
    );
    for (const r of runs) expect(r, r.stderr).toMatchObject({ code: 0 });
    expect(runs.map((r) => JSON.parse(r.stdout).committed)).toEqual(Array(PROCESSES).fill(EACH));

    const total = PROCESSES * EACH;
    // Exact counter: no lost update across processes.
    expect(await db.state.read('fleet', 'counter')).toMatchObject({ value: total, version: total + 1 });
    // The shared run's events: contiguous sequences, one valid chain, every step exactly once.
    expect(await db.events.len('fleet')).toBe(total);
    expect(await db.events.verifyChain('fleet')).toEqual({ valid: true, length: total });
    const events = await db.events.readRange('fleet', 0, total);
    expect(events.map((e) => e.sequence)).toEqual(Array.from({ length: total }, (_, i) => i));
    const steps = new Set(events.map((e) => JSON.stringify(e.payload)));
    expect(steps.size).toBe(total);
    for (let w = 0; w < PROCESSES; w++) {
      const own = `fleet-${w}`;
      expect(await db.events.verifyChain(own)).toEqual({ valid: true, length: EACH });
      // Each process's own appends are in its own order.
      const mine = await db.events.readRange(own, 0, EACH);
      expect(mine.map((e) => (e.payload as { i: number }).i)).toEqual(
        Array.from({ length: EACH }, (_, i) => i),
      );
      expect((await db.runs.getRun(own))?.metadata).toEqual({ done: EACH - 1 });
      expect((await db.traces.queryByTag('fleet', `w${w}`)).length).toBe(EACH);
    }
    expect((await db.kv.list('fleet')).length).toBe(total);
    expect(await db.traces.count('fleet')).toBe(total);
    expect(await indexProblems(db.engine)).toEqual([]);
    expect(await db.engine.verify()).toEqual({ ok: true, problems: [] });
    // The change feed: every commit once, versions 1..V in order.
    const versions: number[] = [];
    for await (const c of db.engine.changes()) versions.push(c.version);
    expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    // …and all of them: a fresh engine reads the newest version from the server at open.
    const fresh = await PostgresDatabase.open({ connectionString: url, schema, sweepIntervalMs: 0 });
    expect(versions.length).toBe(fresh.stats().version);
    await fresh.close();
  } finally {
    await db.close();
  }
}, 600_000); // a safety net for a loaded machine, not a speed check
