import type { Value } from '@agentdb/primitives';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromTypedJson, stringifyTyped, toTypedJson } from '../src/typed-json.js';

// A Value generator covering every kind the codec has to carry.
const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double(),
    fc.bigInt(),
    fc.string(),
    fc.uint8Array({ maxLength: 16 }),
    fc.date({ noInvalidDate: true }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$bigint', '$object', '$x', '__proto__')), tie('v'), {
      maxKeys: 3,
      noNullPrototype: true,
    }),
  ),
})).v;

const roundTrip = (v: Value): Value => fromTypedJson(JSON.parse(stringifyTyped(v)));

describe('typed JSON', () => {
  it('reads back every value exactly through JSON text (bigint, bytes, dates, -0, NaN, $-keys)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, Value, unknown]>([
    ['bigint', 2n ** 70n, { $bigint: '1180591620717411303424' }],
    ['negative bigint', -5n, { $bigint: '-5' }],
    ['bytes', new Uint8Array([0, 255]), { $bytes: 'AP8=' }],
    ['date', new Date(0), { $date: '1970-01-01T00:00:00.000Z' }],
    ['-0', -0, { $number: '-0' }],
    ['NaN', Number.NaN, { $number: 'NaN' }],
    ['-Infinity', Number.NEGATIVE_INFINITY, { $number: '-Infinity' }],
    ['an object that looks tagged', { $bigint: '1' }, { $object: { $bigint: '1' } }],
    ['an object with two $-keys', { $a: 1, $b: 2 }, { $a: 1, $b: 2 }],
    ['plain data', { a: [1, 'x', null, true] }, { a: [1, 'x', null, true] }],
  ])('writes %s as documented', (_, v, json) => {
    expect(toTypedJson(v)).toStrictEqual(json);
    expect(fromTypedJson(json)).toStrictEqual(v);
  });

  it('keeps -0 as -0', () => {
    expect(Object.is(roundTrip(-0), -0)).toBe(true);
    expect(Object.is((roundTrip({ z: -0 }) as { z: number }).z, -0)).toBe(true);
  });

  it('stores a "__proto__" key as a property, never as the prototype', () => {
    const v = fromTypedJson(JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    [{ $bigint: '1.5' }, /not an integer/],
    [{ $bigint: 1 }, /must hold a string/],
    [{ $bytes: 'not base64!' }, /not base64/],
    [{ $date: 'yesterday' }, /not a date/],
    [{ $number: 'toString' }, /not a special number/],
    [{ $what: 1 }, /unknown tagged form/],
    [{ $object: [1] }, /must hold an object/],
    [{ a: [{ $bigint: 'x' }] }, /\$\.a\[0\]/],
  ])('refuses malformed tagged forms, naming the path: %j', (json, message) => {
    expect(() => fromTypedJson(json)).toThrow(message);
  });
});
