import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, ok, withLibrary } from './helpers/calls.js';
import {
  databaseDir,
  type HttpServerProcess,
  httpSession,
  type Session,
  startHttpServer,
} from './helpers/server.js';

const CLIENTS = 20;
const APPENDS_PER_CLIENT = 10;
const CAS_ROUNDS = 5;

describe('20 HTTP clients on one run at once', () => {
  const db = databaseDir();
  let server: HttpServerProcess;
  let clients: Session[];

  beforeAll(async () => {
    server = await startHttpServer(db.dir);
    clients = await Promise.all(Array.from({ length: CLIENTS }, () => httpSession(server.url)));
    await ok(clients[0]!.client, 'state_init', { run_id: 'crowd', name: 'leader', value: null });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    expect(await server.stop()).toBe(0);
    db.remove();
  });

  /** Every client appends its events, all in flight together. */
  const appendAll = () =>
    Promise.all(
      clients.flatMap((c, client) =>
        Array.from({ length: APPENDS_PER_CLIENT }, (_, i) =>
          ok(c.client, 'events_append', { run_id: 'crowd', event_type: 'work', payload: { client, i } }),
        ),
      ),
    );

  /** One CAS round: every client tries to move the cell from `version`; returns the winners. */
  const casRound = (version: number) =>
    Promise.all(
      clients.map(async (c, client) => {
        const args = {
          run_id: 'crowd',
          name: 'leader',
          expected_version: version,
          value: { client, version },
        };
        const result = await c.client.callTool({ name: 'state_cas', arguments: args });
        return result.isError
          ? { client, error: errorOf(result) }
          : { client, won: result.structuredContent as { version: number } };
      }),
    );

  it('gives the appends contiguous sequences and exactly one winner per CAS round', async () => {
    const [appended, casRounds] = await Promise.all([
      appendAll(),
      (async () => {
        const all = [];
        for (let r = 1; r <= CAS_ROUNDS; r++) all.push(await casRound(r));
        return all;
      })(),
    ]);

    const total = CLIENTS * APPENDS_PER_CLIENT;
    const sequences = appended.map((r) => r.event.sequence as number).sort((a, b) => a - b);
    expect(sequences).toEqual([...Array(total).keys()]);
    const { events, length } = await ok(clients[0]!.client, 'events_read', { run_id: 'crowd', limit: 1000 });
    expect(length).toBe(total);
    expect(events.map((e: { sequence: number }) => e.sequence)).toEqual([...Array(total).keys()]);
    const seen = new Set(
      events.map((e: { payload: { client: number; i: number } }) => `${e.payload.client}/${e.payload.i}`),
    );
    expect(seen.size).toBe(total);
    expect(await ok(clients[1]!.client, 'events_verify', { run_id: 'crowd' })).toEqual({
      valid: true,
      length: total,
    });

    const winners: number[] = [];
    for (const [r, outcomes] of casRounds.entries()) {
      const version = r + 1;
      const won = outcomes.filter((o) => 'won' in o);
      expect(won, `round ${version}`).toHaveLength(1);
      expect(won[0]!.won).toEqual({ name: 'leader', version: version + 1 });
      winners.push(won[0]!.client);
      for (const o of outcomes)
        if ('error' in o)
          expect(o.error).toMatchObject({ code: 'VERSION_MISMATCH', expected: version, actual: version + 1 });
    }

    await withLibrary(db.dir, async (lib) => {
      expect(await lib.events.verifyChain('crowd')).toEqual({ valid: true, length: total });
      expect(await lib.state.read('crowd', 'leader')).toMatchObject({
        version: CAS_ROUNDS + 1,
        value: { client: winners.at(-1), version: CAS_ROUNDS },
      });
    });
  });
});
