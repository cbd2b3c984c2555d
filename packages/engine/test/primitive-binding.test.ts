import { Key } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bindView, checkDatabase } from '../src/index.js';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase({ durability: 'buffered' });
});
afterEach(() => t.dispose());

describe('primitive binding checks', () => {
  it('checkDatabase accepts a Database and refuses anything else with INVALID_ARGUMENT', () => {
    expect(() => checkDatabase(t.db, 'Thing')).not.toThrow();
    for (const bad of [undefined, {}, 'db']) {
      expect(() => checkDatabase(bad, 'Thing')).toThrowError(
        expect.objectContaining({
          code: 'INVALID_ARGUMENT',
          message: expect.stringContaining('new Thing(db)'),
        }),
      );
    }
  });

  it('bindView binds to the given run, else the transaction run, else refuses', async () => {
    await t.db.transaction(
      (tx) => {
        expect(bindView(tx, 'other', 'thing')).toEqual({ tx, runId: 'other' });
        expect(bindView(tx, undefined, 'thing').runId).toBe('run-1');
        // Only a missing run id falls back to the transaction's: null is a bad id, not "use the default".
        expect(() => bindView(tx, null as never, 'thing')).toThrowError(
          expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
        );
        expect(() => bindView(tx, 'bad run id', 'thing')).toThrowError(
          expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
        );
        tx.put(Key.kv('run-1', 'k'), 1);
      },
      { runId: 'run-1' },
    );
    await t.db.transaction((tx) => {
      expect(() => bindView(tx, undefined, 'thing')).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('no run id') }),
      );
    });
    expect(() => bindView({}, 'r', 'thing')).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('thing.in(tx)') }),
    );
  });
});
