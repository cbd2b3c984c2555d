import { badOptions, hostileValues } from '@agentdb/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentDB, type AgentTransaction, runRange, systemRange, type Value } from '../src/index.js';
import { type AgentFixture, openAgentFixture, rejectionOf } from './helpers/fixture.js';

// The bundle's own argument checks (AgentDB.open, AgentDB.transaction) and hostile input through every
// primitive inside one AgentDB.transaction: each refusal rolls the whole transaction back, so the store
// is exactly as it was.

let f: AgentFixture;
beforeEach(async () => {
  f = await openAgentFixture();
  await f.db.transaction('r', async (tx) => {
    await tx.kv.put('k', 1);
    await tx.state.init('c', 1);
    await tx.traces.record({ type: 'thought', content: 'x' }, { id: 't0' });
    await tx.runs.createRun();
    tx.events.append('seed', null);
  });
});
afterEach(() => f.dispose());

/** Everything stored: the run's keys and values, the run index, and the commit counter. */
async function dump(db: AgentDB) {
  const entries: unknown[] = [];
  for (const range of [runRange('r'), systemRange()]) {
    for await (const e of db.engine.scan(range)) entries.push([Buffer.from(e.key).toString('hex'), e.value]);
  }
  return { version: db.engine.stats().version, entries };
}

async function refused(p: () => PromiseLike<unknown>, code: string, message?: string): Promise<void> {
  const before = await dump(f.db);
  const e = await rejectionOf(p());
  expect(e).toMatchObject({ code });
  if (message !== undefined) expect((e as Error).message).toContain(message);
  expect(await dump(f.db)).toStrictEqual(before);
}

describe('AgentDB.transaction options (repro-append-unknown-option.mjs)', () => {
  it.each([
    ['retires', 'retries'],
    ['timeout', 'timeoutMs'],
    ['retry', 'retries'],
  ])('{ %s } → INVALID_ARGUMENT suggesting %s, and the function never runs', async (wrong, right) => {
    let ran = false;
    await refused(
      () =>
        f.db.transaction(
          'r',
          async () => {
            ran = true;
          },
          { [wrong]: 1 } as never,
        ),
      'INVALID_ARGUMENT',
      `did you mean "${right}"?`,
    );
    expect(ran).toBe(false);
  });

  it.each(badOptions({ retries: 2, timeoutMs: 1000 }, { retires: 'retries', runId: 'retries' }))(
    '%s → INVALID_ARGUMENT',
    async (_name, opts) => {
      await refused(
        () => f.db.transaction('r', (tx) => tx.kv.put('k', 2), opts as never),
        'INVALID_ARGUMENT',
      );
    },
  );

  it('a string as options is refused, not spread into numbered fields', async () => {
    await refused(
      () => f.db.transaction('r', async () => 'ran', 'abc' as never),
      'INVALID_ARGUMENT',
      'transaction options must be an object',
    );
  });

  it('AgentDB.open refuses a misspelt option', async () => {
    await expect(AgentDB.open({ sweepInterval: 0 } as never)).rejects.toThrow(
      'did you mean "sweepIntervalMs"?',
    );
  });
});

describe('hostile values through every primitive in one transaction', () => {
  const writes: [string, (tx: AgentTransaction, v: Value) => unknown][] = [
    ['kv.put', (tx, v) => tx.kv.put('k2', v)],
    ['state.set', (tx, v) => tx.state.set('c', v)],
    ['events.append', (tx, v) => tx.events.append('e', v)],
    [
      'traces.record metadata',
      (tx, v) => tx.traces.record({ type: 'thought', content: 'y' }, { metadata: v }),
    ],
    ['runs.updateMetadata', (tx, v) => tx.runs.updateMetadata(v)],
  ];
  const refusedOnes = hostileValues().filter(([, , o]) => 'refused' in o);

  it.each(writes.flatMap(([w, write]) => refusedOnes.map(([name, make]) => [w, name, write, make] as const)))(
    '%s of %s → INVALID_VALUE, the whole transaction rolled back',
    async (_w, _name, write, make) => {
      await refused(
        () =>
          f.db.transaction('r', async (tx) => {
            await tx.kv.put('also', 'written first');
            await write(tx, make() as Value);
          }),
        'INVALID_VALUE',
      );
    },
  );
});

describe('a clock that throws', () => {
  it('gives the same INVALID_ARGUMENT (its error as cause) on every path, and writes nothing', async () => {
    let broken = false;
    const cause = new RangeError('clock broke');
    const db = await AgentDB.open({
      clock: () => {
        if (broken) throw cause;
        return 1_700_000_000_000;
      },
      sweepIntervalMs: 0,
    });
    try {
      await db.kv.put('r', 'k', 1);
      const before = db.engine.stats().version;
      broken = true;
      const paths: [string, () => PromiseLike<unknown>][] = [
        ['kv.get', () => db.kv.get('r', 'k')],
        ['kv.put', () => db.kv.put('r', 'k2', 1)],
        ['kv.put with a TTL', () => db.kv.put('r', 'k2', 1, { ttlMs: 5 })],
        ['events.append', () => db.events.append('r', 't', 1)],
        ['traces.record', () => db.traces.record('r', { type: 'thought', content: 'x' })],
        ['runs.createRun', () => db.runs.createRun({ runId: 'x' })],
        ['state.set', () => db.state.set('r', 'c', 1)],
        ['engine.sweepExpired', () => db.engine.sweepExpired()],
      ];
      for (const [name, call] of paths) {
        const e = await rejectionOf(call());
        expect(e, name).toMatchObject({
          code: 'INVALID_ARGUMENT',
          message: expect.stringContaining('the clock threw'),
        });
        expect((e as Error).cause, name).toBe(cause);
      }
      broken = false;
      expect(db.engine.stats().version).toBe(before);
      expect(await db.kv.get('r', 'k')).toBe(1);
    } finally {
      await db.close();
    }
  });
});
