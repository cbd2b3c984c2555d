import type { ErrorCode, Value } from '@agentdb/core';
import { badOptions, flipping, hostileValues, refused as refusedBy } from '@agentdb/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IterOptions } from '../src/index.js';
import { type LogFixture, openLog } from './helpers.js';

let f: LogFixture;
beforeEach(async () => {
  f = await openLog();
  await f.events.append('run-1', 'seed', null); // so "unchanged" means more than "still empty"
});
afterEach(() => f.t.dispose());

/** Runs `call`, expects an AgentDBError with `code`, and checks that nothing was committed. */
async function refused(call: () => Promise<unknown>, code: ErrorCode, path?: RegExp): Promise<void> {
  await refusedBy(f.db(), call, code, path === undefined ? {} : { path });
  expect(await f.events.len('run-1')).toBe(1);
}

// Bad run ids, the constructor, in() and CLOSED: the shared primitive contract (contract.test.ts).

const badEventTypes: [string, unknown][] = [
  ['empty', ''],
  ['257 characters', 't'.repeat(257)],
  ['a number', 7],
  ['null', null],
  ['a control character U+0000', 'a\u0000b'],
  ['a lone surrogate', 'a\ud800'],
];

const cycle: Record<string, Value> = {};
cycle.self = cycle;
const badPayloads: [string, unknown, RegExp][] = [
  ['undefined', undefined, /^payload$/],
  ['a function deep inside', { steps: [1, 2, 3, () => 1] }, /^payload\.steps\[3\]$/],
  ['a symbol', { s: Symbol('x') }, /^payload\.s$/],
  ['a cycle', cycle, /^payload\.self$/],
  ['a Map', { m: new Map() }, /^payload\.m$/],
  ['an undefined field', { x: undefined }, /^payload\.x$/],
  ['an invalid Date', { at: new Date(Number.NaN) }, /^payload\.at$/],
  ['17 MiB of bytes', new Uint8Array(17 * 1024 * 1024), /^payload$/],
];

const badSequences: [string, unknown][] = [
  ['negative', -1],
  ['fractional', 1.5],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['a string', '0'],
  ['beyond 2^53', 2 ** 53],
];

const badAppendOptions: [string, unknown][] = [
  ['a string', 'strict'],
  ['null', null],
  ['negative expectedSequence', { expectedSequence: -1 }],
  ['fractional expectedSequence', { expectedSequence: 0.5 }],
  ['string expectedSequence', { expectedSequence: '1' }],
  ['NaN expectedSequence', { expectedSequence: Number.NaN }],
];

const badIterOptions: [string, unknown][] = [
  ['a string', 'all'],
  ['negative from', { from: -1 }],
  ['fractional from', { from: 0.5 }],
  ['zero batchSize', { batchSize: 0 }],
  ['huge batchSize', { batchSize: 10_001 }],
  ['non-boolean follow', { follow: 'yes' }],
  ['a fake signal', { signal: { aborted: false } }],
];

const ev = () => f.events;
const asString = (v: unknown) => v as string;
const asNumber = (v: unknown) => v as number;

describe('bad event types are INVALID_ARGUMENT', () => {
  it.each(badEventTypes)('append: %s', async (_, type) => {
    await refused(() => ev().append('run-1', asString(type), 1), 'INVALID_ARGUMENT');
  });
  it.each(badEventTypes)('in(tx).append: %s', async (_, type) => {
    await refused(
      () => f.db().transaction((tx) => void ev().in(tx).append(asString(type), 1), { runId: 'run-1' }),
      'INVALID_ARGUMENT',
    );
  });
  it.each(badEventTypes)('readByType: %s', async (_, type) => {
    await refused(() => ev().readByType('run-1', asString(type)), 'INVALID_ARGUMENT');
  });
  it('a 256-character type is accepted', async () => {
    const e = await ev().append('run-1', 't'.repeat(256), 1);
    expect(e.eventType).toHaveLength(256);
  });
});

describe('non-encodable payloads are INVALID_VALUE naming payload.…', () => {
  it.each(badPayloads)('append: %s', async (_, payload, path) => {
    await refused(() => ev().append('run-1', 'x', payload as Value), 'INVALID_VALUE', path);
  });
  it.each(badPayloads)('in(tx).append: %s (the transaction aborts)', async (_, payload, path) => {
    await refused(
      () =>
        f.db().transaction(
          (tx) => {
            ev().in(tx).append('fine', 1);
            ev()
              .in(tx)
              .append('x', payload as Value);
          },
          { runId: 'run-1' },
        ),
      'INVALID_VALUE',
      path,
    );
  });
});

describe('bad sequences and ranges are INVALID_ARGUMENT', () => {
  it.each(badSequences)('read: %s', async (_, seq) => {
    await refused(() => ev().read('run-1', asNumber(seq)), 'INVALID_ARGUMENT');
  });
  it.each(badSequences)('readRange start: %s', async (_, seq) => {
    await refused(() => ev().readRange('run-1', asNumber(seq), 5), 'INVALID_ARGUMENT');
  });
  it.each(badSequences)('readRange end: %s', async (_, seq) => {
    await refused(() => ev().readRange('run-1', 0, asNumber(seq)), 'INVALID_ARGUMENT');
  });
  it('readRange with end < start', async () => {
    await refused(() => ev().readRange('run-1', 5, 2), 'INVALID_ARGUMENT');
  });
});

describe('bad options are INVALID_ARGUMENT', () => {
  it.each(badAppendOptions)('append: %s', async (_, opts) => {
    await refused(() => ev().append('run-1', 'x', 1, opts as never), 'INVALID_ARGUMENT');
  });
  it.each(badIterOptions)('iter: %s', async (_, opts) => {
    await refused(
      () =>
        ev()
          .iter('run-1', opts as IterOptions)
          .next(),
      'INVALID_ARGUMENT',
    );
  });
});

describe('hostile payloads and options: read once, misspelt names refused', () => {
  it.each(hostileValues())('append of %s', async (_, make, outcome) => {
    if ('refused' in outcome) {
      await refused(() => f.events.append('run-1', 't', make() as Value), outcome.refused);
      return;
    }
    const e = await f.events.append('run-2', 't', make() as Value);
    expect(e.payload).toStrictEqual(outcome.stored);
    expect(await f.events.read('run-2', e.sequence)).toStrictEqual(e);
    expect(await f.events.verifyChain('run-2')).toMatchObject({ valid: true });
  });

  it.each(
    badOptions(
      { expectedSequence: 1 },
      { expectedSeqeunce: 'expectedSequence', expected: 'expectedSequence' },
    ),
  )('append options: %s', async (_, opts) => {
    await refused(() => f.events.append('run-1', 't', 1, opts as never), 'INVALID_ARGUMENT');
  });

  it.each(badOptions({ from: 0, batchSize: 2 }, { form: 'from', batchsize: 'batchSize', follows: 'follow' }))(
    'iter options: %s',
    async (_, opts) => {
      await refused(async () => {
        for await (const _e of f.events.iter('run-1', opts as never));
      }, 'INVALID_ARGUMENT');
    },
  );

  it('a misspelt expectedSequence is named, with the right name suggested', async () => {
    await expect(f.events.append('run-1', 't', 2, { expectedSeqeunce: 0 } as never)).rejects.toThrow(
      'did you mean "expectedSequence"?',
    );
  });

  it('an expectedSequence read through a getter is read once: the one checked is the one enforced', async () => {
    // Checked as 1 (the right next sequence); a second read would say 0 and make the append fail.
    const e = await f.events.append('run-1', 't', 2, flipping('expectedSequence', 1, 0) as never);
    expect(e.sequence).toBe(1);
  });
});
