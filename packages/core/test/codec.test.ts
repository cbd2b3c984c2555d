import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AgentDBError,
  decodeValue,
  encodeTrusted,
  encodeValue,
  encodeValueWith,
  isAgentDBError,
  isValue,
  isValueObject,
  type Value,
} from '../src/index.js';

const roundTrip = (v: unknown) => decodeValue(encodeValue(v));

describe('value codec', () => {
  const kinds: [string, Value][] = [
    ['null', null],
    ['true', true],
    ['false', false],
    ['zero', 0],
    ['negative zero', -0],
    ['integer', 42],
    ['negative', -7],
    ['float', 3.25],
    ['max safe integer', Number.MAX_SAFE_INTEGER],
    ['large double', 1e300],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['small bigint', 1n],
    ['negative bigint', -5n],
    ['huge bigint', 2n ** 100n],
    ['empty string', ''],
    ['unicode string', 'héllo 🌍'],
    ['bytes', new Uint8Array([0, 1, 255])],
    ['empty bytes', new Uint8Array(0)],
    ['date', new Date(1_700_000_000_123)],
    ['far-future date', new Date('+142022-03-07T10:40:43.938Z')],
    ['latest date', new Date(8.64e15)],
    ['earliest date', new Date(-8.64e15)],
    ['pre-epoch date', new Date(-1)],
    ['array', [1, 'a', null, [2]]],
    ['object', { a: { b: [true, -0, 2n, new Date(5)] }, 'weird key': 1 }],
    ['empty object', {}],
  ];

  it.each(kinds)('round-trips %s exactly', (_name, value) => {
    const back = roundTrip(value);
    expect(back).toStrictEqual(value);
    if (typeof value === 'number') expect(Object.is(back, value)).toBe(true);
    if (value instanceof Uint8Array) expect((back as Uint8Array).constructor).toBe(Uint8Array);
  });

  it('round-trips random values', () => {
    const value = fc.letrec<{ v: Value }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double(),
        fc.bigInt(),
        fc.string(),
        fc.uint8Array().map((b) => new Uint8Array(b)),
        fc.date({ noInvalidDate: true }),
        fc.array(tie('v')),
        fc.dictionary(
          fc.string().filter((k) => k !== '__proto__'),
          tie('v'),
          { noNullPrototype: true },
        ),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(roundTrip(v)).toStrictEqual(v);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts only values that round-trip exactly, and every refusal names a path', () => {
    // fc.anything mixes storable values with undefined, sparse arrays, boxed values, Maps, Sets,
    // typed arrays and null-prototype objects: validation's fast walk and its path-naming walk must
    // agree on every one of them.
    const anything = fc.anything({
      withBigInt: true,
      withDate: true,
      withNullPrototype: true,
      withSparseArray: true,
      withTypedArray: true,
      withBoxedValues: true,
      withMap: true,
      withSet: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(anything, (v) => {
        let bytes: Uint8Array;
        try {
          bytes = encodeValue(v);
        } catch (e) {
          expect(isAgentDBError(e, 'INVALID_VALUE')).toBe(true);
          expect((e as AgentDBError).path?.startsWith('value')).toBe(true);
          return;
        }
        // toEqual: null-prototype objects come back as plain objects (see below); all else is exact.
        expect(decodeValue(bytes)).toEqual(v);
      }),
      { numRuns: 2000 },
    );
  });

  it('still decodes standard CBOR tag 1 dates (float seconds)', () => {
    const tag1 = new Uint8Array([0xc1, 0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]); // 1(1.5)
    expect(decodeValue(tag1)).toStrictEqual(new Date(1500));
  });

  it('accepts objects without a prototype and decodes them as plain objects', () => {
    const o = Object.assign(Object.create(null) as Record<string, Value>, { a: 1 });
    expect(roundTrip(o)).toEqual({ a: 1 });
  });
});

describe('isValueObject', () => {
  it.each([
    [{}, true],
    [{ a: 1 }, true],
    [Object.create(null), true],
    [null, false],
    [[], false],
    [new Uint8Array(1), false],
    [new Date(0), false],
    ['x', false],
    [1, false],
    [undefined, false],
  ])('%o → %s', (v, expected) => {
    expect(isValueObject(v)).toBe(expected);
  });
});

describe('bad values', () => {
  class Thing {
    x = 1;
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  let deep: unknown = 1;
  for (let i = 0; i < 600; i++) deep = [deep];
  const sparse: number[] = [];
  sparse[0] = 1;
  sparse[2] = 3;

  const cases: [string, unknown, string][] = [
    ['undefined', undefined, 'value'],
    ['a function', { steps: [1, 2, 3, { fn: () => 1 }] }, 'value.steps[3].fn'],
    ['a symbol', [Symbol('x')], 'value[0]'],
    ['a class instance', { t: new Thing() }, 'value.t'],
    ['a Map', new Map(), 'value'],
    ['a Set', { s: new Set([1]) }, 'value.s'],
    ['an invalid date', { d: new Date(Number.NaN) }, 'value.d'],
    ['a cycle', cyclic, 'value.self'],
    ['a sparse array', sparse, 'value[1]'],
    ['a __proto__ key', JSON.parse('{"ok":{"__proto__":1}}'), 'value.ok.__proto__'],
    ['nesting deeper than 512', deep, 'value'],
    ['an odd field name', { 'a b': undefined }, 'value["a b"]'],
    ['a typed array other than Uint8Array', new Float32Array(2), 'value'],
  ];

  it.each(cases)('%s → INVALID_VALUE naming the path', (_name, value, path) => {
    try {
      encodeValue(value);
      expect.unreachable();
    } catch (e) {
      expect(isAgentDBError(e, 'INVALID_VALUE')).toBe(true);
      expect((e as AgentDBError).path?.startsWith(path)).toBe(true);
      expect((e as AgentDBError).message).toContain(path);
    }
    expect(isValue(value)).toBe(false);
  });

  it('names the root the caller chose', () => {
    expect(() => encodeValue({ steps: [0, 1, 2, { fn: () => 0 }] }, { name: 'payload' })).toThrow(
      'INVALID_VALUE: payload.steps[3].fn is a function',
    );
  });

  it('refuses non-finite numbers only when asked', () => {
    expect(() => encodeValue(Number.NaN)).not.toThrow();
    expect(() => encodeValue({ n: Number.NaN }, { finiteNumbers: true })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE', path: 'value.n' }),
    );
  });

  it('enforces the size limit on the encoded bytes', () => {
    expect(() => encodeValue('x'.repeat(2000), { maxBytes: 1000 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
    expect(() => encodeValue('x'.repeat(900), { maxBytes: 1000 })).not.toThrow();
  });

  it('reports undecodable bytes as CORRUPTION', () => {
    expect(() => decodeValue(new Uint8Array([0xff, 0xff, 0xff]))).toThrowError(
      expect.objectContaining({ code: 'CORRUPTION' }),
    );
  });
});

describe('encodeValueWith', () => {
  const view = (bytes: Uint8Array) => ({
    buffer: bytes.buffer,
    offset: bytes.byteOffset,
    copy: Uint8Array.from(bytes),
  });

  it('hands use() the same bytes encodeValue returns, and writes every value over the same buffer', () => {
    const values: Value[] = [
      { plan: ['search', 'answer'] },
      'x'.repeat(300),
      -0,
      new Uint8Array([1, 2, 3]),
      null,
    ];
    const seen = values.map((v) => encodeValueWith(v, undefined, view, undefined));
    for (const [i, v] of values.entries()) expect(seen[i]!.copy).toEqual(Uint8Array.from(encodeValue(v)));
    // The reuse is what the function is for: if cbor-x changed its reset mode, this would fail.
    for (const s of seen) expect([s.buffer, s.offset]).toEqual([seen[0]!.buffer, seen[0]!.offset]);
  });

  it('checks like encodeValue before use() runs', () => {
    let called = false;
    const use = () => {
      called = true;
    };
    expect(() => encodeValueWith({ f: () => 1 }, undefined, use, undefined)).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
    expect(() => encodeValueWith('x'.repeat(64), { maxBytes: 16 }, use, undefined)).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
    expect(called).toBe(false);
  });

  it('leaves encodeValue results intact', () => {
    const kept = encodeValue({ kept: true });
    const before = Uint8Array.from(kept);
    encodeValueWith({ other: 'x'.repeat(100) }, undefined, view, undefined);
    expect(Uint8Array.from(kept)).toEqual(before);
    expect(decodeValue(kept)).toEqual({ kept: true });
  });
});

describe('encodeTrusted', () => {
  it('encodes exactly like encodeValue, without its size limit', () => {
    const v: Value = [1, 'run-1', [new Uint8Array([1, 2])], { at: new Date(5) }];
    expect(encodeTrusted(v)).toEqual(encodeValue(v));
    expect(decodeValue(encodeTrusted('x'.repeat(64)))).toBe('x'.repeat(64));
    expect(() => encodeValue('x'.repeat(64), { maxBytes: 16 })).toThrowError(
      expect.objectContaining({ code: 'INVALID_VALUE' }),
    );
  });
});

describe('values of foreign shape', () => {
  it('an object whose prototype has no constructor is refused with INVALID_VALUE', () => {
    const orphan = Object.create(Object.create(null)) as Value;
    expect(() => encodeValue(orphan)).toThrowError(
      expect.objectContaining({
        code: 'INVALID_VALUE',
        message: expect.stringContaining('instance of a class'),
      }),
    );
  });
});
