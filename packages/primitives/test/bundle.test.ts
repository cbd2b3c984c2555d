import * as core from '@agentdb/core';
import * as engine from '@agentdb/engine';
import * as eventLog from '@agentdb/event-log';
import * as kv from '@agentdb/kv';
import * as runIndex from '@agentdb/run-index';
import * as stateCell from '@agentdb/state-cell';
import * as traceStore from '@agentdb/trace-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as bundle from '../src/index.js';
import { AgentDB, Database, type Event, isAgentDBError, type MutationHandle } from '../src/index.js';
import { type AgentFixture, openAgentFixture, rejectionOf } from './helpers/fixture.js';

const expectCode = async (p: PromiseLike<unknown>, code: string) => {
  const e = await rejectionOf(p);
  expect(isAgentDBError(e) ? e.code : e).toBe(code);
};

describe('@agentdb/primitives exports', () => {
  // Lower layers first: a name two packages export is re-exported under the lower layer's binding.
  const layers = { core, engine, eventLog, kv, runIndex, stateCell, traceStore };
  it.each(Object.entries(layers))('re-exports every runtime symbol of %s', (_, ns) => {
    const exported = bundle as Record<string, unknown>;
    for (const name of Object.keys(ns))
      expect(exported[name], name).toBe((ns as Record<string, unknown>)[name]);
  });

  it('adds AgentDB', () => {
    expect(typeof bundle.AgentDB.open).toBe('function');
  });
});

describe('AgentDB', () => {
  let f: AgentFixture;
  beforeEach(async () => {
    f = await openAgentFixture();
  });
  afterEach(() => f.dispose());

  it('opens a temporary (memory-mode) database without a path', async () => {
    const db = await AgentDB.open();
    try {
      await db.kv.put('r', 'k', 1);
      expect(await db.kv.get('r', 'k')).toBe(1);
      expect(db.engine).toBeInstanceOf(Database);
    } finally {
      await db.close();
    }
  });

  it('wraps only a Database', () => {
    expect(() => new AgentDB({} as Database)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('is a stateless facade: two instances on one engine see the same data', async () => {
    const other = new AgentDB(f.db.engine);
    await f.db.transaction('r', async (tx) => {
      await tx.kv.put('k', 'v');
      await tx.state.init('c', 0);
    });
    expect(await other.kv.get('r', 'k')).toBe('v');
    expect(await other.state.read('r', 'c')).toMatchObject({ value: 0, version: 1 });
  });

  it('binds every view to the run and returns what the function returns', async () => {
    const out = await f.db.transaction('bound', async (tx) => {
      expect(tx.runId).toBe('bound');
      expect(tx.tx.runId).toBe('bound');
      await tx.kv.put('k', 1);
      return 'result';
    });
    expect(out).toBe('result');
    expect(await f.db.kv.get('bound', 'k')).toBe(1);
  });

  it.each([
    ['an invalid run id', '../etc', async () => {}],
    ['an empty run id', '', async () => {}],
    ['a non-string run id', 42 as unknown as string, async () => {}],
    ['no function', 'r', undefined as unknown as () => void],
  ])('refuses %s with INVALID_ARGUMENT before running anything', async (_, runId, fn) => {
    let ran = false;
    const wrapped =
      fn === undefined
        ? fn
        : () => {
            ran = true;
            return fn();
          };
    await expectCode(f.db.transaction(runId, wrapped), 'INVALID_ARGUMENT');
    expect(ran).toBe(false);
    expect(f.db.engine.stats().commits).toBe(0);
  });

  it('refuses to await an event handle inside the transaction, at once rather than hanging', async () => {
    let pending!: MutationHandle<Event>;
    const error = await rejectionOf(
      f.db.transaction('r', async (tx) => {
        pending = tx.events.append('e', {});
        await pending;
      }),
    );
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(await f.db.events.len('r')).toBe(0);
  });

  it('passes transaction options through: retries 1 turns a conflict into CONFLICT', async () => {
    await f.db.kv.put('r', 'k', 0);
    await expectCode(
      f.db.transaction(
        'r',
        async (tx) => {
          const n = (await tx.kv.get('k')) as number;
          await f.db.kv.put('r', 'k', n + 100); // another writer commits first
          await tx.kv.put('k', n + 1);
        },
        { retries: 1 },
      ),
      'CONFLICT',
    );
    expect(await f.db.kv.get('r', 'k')).toBe(100);
  });

  it('closes idempotently; calls after close are CLOSED', async () => {
    await f.db.close();
    await f.db.close();
    await expectCode(f.db.kv.get('r', 'k'), 'CLOSED');
    await expectCode(
      f.db.transaction('r', () => undefined),
      'CLOSED',
    );
    await f.reopen();
  });
});
