import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AgentDB } from '@agentdb/primitives';
import { indexProblems } from '@agentdb/primitives/contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresDatabase } from '../src/index.js';
import { startServer, type TestServer } from '../src/testing.js';
import { freshSchema } from './helpers/engine.js';

const WRITER = fileURLToPath(new URL('./fixtures/acking-writer.mjs', import.meta.url));
const WRITERS = 2;

let server: TestServer;
beforeAll(async () => {
  server = await startServer(); // its own server: this test kills it
});
afterAll(() => server?.stop());

interface Writer {
  child: ChildProcess;
  acks: [number, number][];
  failures: string[];
  exited: Promise<number | null>;
}

function startWriter(schema: string, w: number): Promise<Writer> {
  return new Promise((resolve, reject) => {
    const child = fork(WRITER, [server.url, schema, String(w)], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const writer: Writer = {
      child,
      acks: [],
      failures: [],
      exited: new Promise((done) => child.on('exit', (code) => done(code))),
    };
    child.on('message', (m: { ready?: number; ack?: [number, number]; failed?: string }) => {
      if (m.ready !== undefined) resolve(writer);
      if (m.ack !== undefined) writer.acks.push(m.ack);
      if (m.failed !== undefined) writer.failures.push(m.failed);
    });
    child.on('error', reject);
  });
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('SIGKILL of the postmaster mid-workload, restart on the same data directory: no acknowledged commit is lost, none is torn, the writers reconnect by themselves', async () => {
  const schema = freshSchema();
  const setup = await PostgresDatabase.open({ connectionString: server.url, schema });
  await setup.close();
  const writers = await Promise.all(Array.from({ length: WRITERS }, (_, w) => startWriter(schema, w)));
  const acked = () => writers.reduce((n, w) => n + w.acks.length, 0);

  await until(() => acked() >= 200, '200 acknowledged commits');
  server.kill();
  const atKill = acked();
  await new Promise((resolve) => setTimeout(resolve, 300));
  await server.restart();
  // The same processes go on committing after the restart: they reconnected by themselves.
  await until(() => acked() >= atKill + 200, '200 more acknowledged commits after the restart');
  for (const w of writers) w.child.send('stop');
  const codes = await Promise.all(writers.map((w) => w.exited));
  expect(codes).toEqual(Array(WRITERS).fill(0));
  // What failed while the server was down failed as STORAGE, nothing else.
  for (const w of writers) for (const code of w.failures) expect(code).toBe('STORAGE');

  const db = new AgentDB(
    await PostgresDatabase.open({ connectionString: server.url, schema, sweepIntervalMs: 0 }),
  );
  try {
    for (const [w, writer] of writers.entries()) {
      const run = `kill-${w}`;
      const events = await db.events.readRange(run, 0, 1_000_000);
      expect(await db.events.verifyChain(run)).toEqual({ valid: true, length: events.length });
      const stepsInEvents = events.map((e) => (e.payload as { c: number }).c);
      // Every acknowledged step is there, in all three primitives.
      for (const [, c] of writer.acks) {
        expect(stepsInEvents, `acknowledged step ${c} of writer ${w}`).toContain(c);
        expect(await db.kv.get(run, `w${w}-${c}`)).toBe(c);
      }
      // Nothing is torn: each step's event and its kv entry exist together, once.
      const keys = await db.kv.list(run);
      expect(keys.sort()).toEqual(stepsInEvents.map((c) => `w${w}-${c}`).sort());
      expect(new Set(stepsInEvents).size).toBe(stepsInEvents.length);
      expect((await db.state.read(run, 'last'))?.value).toBe(stepsInEvents.at(-1));
    }
    expect(await indexProblems(db.engine)).toEqual([]);
    expect(await db.engine.verify()).toEqual({ ok: true, problems: [] });
  } finally {
    await db.close();
  }
}, 300_000); // a safety net for a loaded machine, not a speed check
