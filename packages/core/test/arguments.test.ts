import { describe, expect, it } from 'vitest';
import {
  checkBoolean,
  checkFunction,
  checkId,
  checkInt,
  checkKnownName,
  checkNonNegativeInt,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  checkPositiveNumber,
  closestName,
  isAgentDBError,
  plainCopy,
  readClock,
} from '../src/index.js';
import { badOptions, flipping, shiftingProxy } from '../src/testing.js';

function refusedWith(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(isAgentDBError(e, 'INVALID_ARGUMENT'), String(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('checkOptions', () => {
  it('returns a plain copy of the known fields; undefined means no options', () => {
    const opts = { limit: 5, after: 'k' };
    const o = checkOptions(opts, ['limit', 'after', 'prefix'], 'list');
    expect(o).toStrictEqual({ limit: 5, after: 'k' });
    expect(o).not.toBe(opts);
    expect(checkOptions(undefined, ['limit'], 'list')).toStrictEqual({});
  });

  it.each([
    ['expectedSeqeunce', ['expectedSequence'], 'expectedSequence'],
    ['retires', ['retries', 'timeoutMs', 'runId'], 'retries'],
    ['timeout', ['retries', 'timeoutMs', 'runId'], 'timeoutMs'],
    ['ttl', ['ttlMs'], 'ttlMs'],
    ['RunId', ['retries', 'timeoutMs', 'runId'], 'runId'],
    ['prefx', ['prefix', 'limit', 'after'], 'prefix'],
  ])('names the unknown option %s and suggests %s', (wrong, known, right) => {
    const message = refusedWith(() => checkOptions({ [wrong]: 1 }, known, 'm'));
    expect(message).toContain(`unknown m option "${wrong}"; did you mean "${right}"?`);
  });

  it('suggests nothing when no known name is close', () => {
    expect(closestName('colour', ['limit', 'after'])).toBeUndefined();
    expect(refusedWith(() => checkOptions({ colour: 1 }, ['limit', 'after'], 'list'))).toBe(
      'INVALID_ARGUMENT: unknown list option "colour" (the options are limit, after)',
    );
  });

  it.each(badOptions({ ttlMs: 1000 }, { ttl: 'ttlMs', TTLms: 'ttlMs' }))('refuses %s', (_name, opts) => {
    refusedWith(() => checkOptions(opts, ['ttlMs'], 'put'));
  });

  it('refuses symbol keys and a method without options refuses any', () => {
    refusedWith(() => checkOptions({ [Symbol('s')]: 1 }, ['a'], 'm'));
    expect(refusedWith(() => checkOptions({ a: 1 }, [], 'm'))).toContain('m takes no options');
  });

  it('reads each field once: getters and proxies cannot change an option after it was read', () => {
    const o = checkOptions(flipping('id', 'good', 12345), ['id'], 'record');
    expect(o.id).toBe('good');
    expect(o.id).toBe('good');
    const p = checkOptions(shiftingProxy({}, 'id', 'good', 12345), ['id'], 'record');
    expect([p.id, p.id]).toStrictEqual(['good', 'good']);
  });

  it('accepts options without a prototype', () => {
    const opts = Object.assign(Object.create(null) as object, { limit: 1 });
    expect(checkOptions(opts, ['limit'], 'list')).toStrictEqual({ limit: 1 });
  });
});

describe('plainCopy and checkKnownName', () => {
  it('plainCopy copies any field names once and refuses what is not a plain object', () => {
    expect(plainCopy(flipping('x', 1, 2), 'traceType')).toStrictEqual({ x: 1 });
    expect(plainCopy(undefined, 'traceType')).toStrictEqual({});
    expect(refusedWith(() => plainCopy(new Map(), 'traceType'))).toContain(
      'traceType must be a plain object',
    );
  });

  it('checkKnownName suggests the closest name', () => {
    expect(refusedWith(() => checkKnownName('limt', ['limit'], 'list'))).toContain('did you mean "limit"?');
    expect(() => checkKnownName('limit', ['limit'], 'list')).not.toThrow();
  });
});

describe('scalar checks', () => {
  it.each([
    [() => checkPositiveInt(0, 'limit'), 'limit must be a positive integer, got 0'],
    [() => checkPositiveInt(1.5, 'limit'), 'limit must be a positive integer, got 1.5'],
    [() => checkNonNegativeInt(-1, 'since'), 'since must be a non-negative integer, got -1'],
    [() => checkInt(10_001, 'batchSize', 1, 10_000), 'batchSize must be an integer from 1 to 10000'],
    [() => checkPositiveNumber(Number.NaN, 'ttlMs'), 'ttlMs must be a positive finite number, got NaN'],
    [() => checkPositiveNumber('5', 'ttlMs'), 'ttlMs must be a positive finite number, got "5"'],
    [() => checkBoolean(1, 'reverse'), 'reverse must be a boolean, got 1'],
    [() => checkOneOf('fast', ['strict', 'buffered'], 'durability'), "one of 'strict', 'buffered'"],
    [() => checkId('a b', 'trace id'), 'trace id "a b" is invalid'],
    [() => checkId('x'.repeat(65), 'run id'), 'is invalid: use 1–64 characters'],
    [() => checkFunction(1, 'transaction', '(tx) => …'), 'transaction needs a function (tx) => …, got 1'],
    [
      () =>
        checkBoolean(
          new Proxy(
            {},
            {
              get: () => {
                throw new Error('x');
              },
            },
          ),
          'b',
        ),
      'b must be a boolean, got an object that cannot be inspected',
    ],
  ])('%s', (f, message) => {
    expect(refusedWith(f)).toContain(message);
  });

  it('return the checked value', () => {
    expect(checkPositiveInt(3, 'n')).toBe(3);
    expect(checkNonNegativeInt(0, 'n')).toBe(0);
    expect(checkPositiveNumber(0.5, 'n')).toBe(0.5);
    expect(checkBoolean(false, 'b')).toBe(false);
    expect(checkOneOf('strict', ['strict'], 'd')).toBe('strict');
    expect(checkId('run-1_A', 'run id')).toBe('run-1_A');
  });
});

describe('readClock', () => {
  it('a clock that throws is INVALID_ARGUMENT with the error as cause, like one that returns garbage', () => {
    const cause = new RangeError('clock broke');
    try {
      readClock(() => {
        throw cause;
      });
      expect.unreachable();
    } catch (e) {
      expect(isAgentDBError(e, 'INVALID_ARGUMENT')).toBe(true);
      expect((e as Error).cause).toBe(cause);
      expect((e as Error).message).toContain('the clock threw');
    }
    expect(refusedWith(() => readClock(() => 'now' as unknown as number))).toContain(
      'the clock returned "now"',
    );
  });
});
