import fc from 'fast-check';
import { toBufferKey } from 'ordered-binary';
import { describe, expect, it } from 'vitest';
import {
  compareKeys,
  decodeKey,
  Key,
  type KeyPart,
  keySuccessor,
  runIdOfKey,
  runRange,
  systemRange,
  TypeTag,
  tagRange,
  textPrefixRange,
  userKeysRange,
} from '../src/index.js';

const inRange = (key: Uint8Array, r: { start: Uint8Array; end: Uint8Array }) =>
  compareKeys(key, r.start) >= 0 && compareKeys(key, r.end) < 0;

// A plain model of tuple order: bytes < numbers/bigints < strings; numbers numerically,
// strings by code point (= UTF-8 byte order), bytes lexicographically, shorter prefix first.
function rank(p: KeyPart): number {
  if (p instanceof Uint8Array) return 0;
  return typeof p === 'string' ? 2 : 1;
}
function comparePart(a: KeyPart, b: KeyPart): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}
function compareTuple(a: KeyPart[], b: KeyPart[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = comparePart(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

const keyString = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 80 })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the characters keys refuse
  .filter((s) => !/[\u0000-\u0004]/.test(s) && Buffer.byteLength(s) <= 512);
const part: fc.Arbitrary<KeyPart> = fc.oneof(
  keyString,
  fc.string({ unit: fc.constantFrom('a', 'b', '_', ':', 'é'), minLength: 1, maxLength: 4 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
  fc.integer({ min: -1000, max: 1000 }),
  fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }),
  fc.uint8Array({ maxLength: 6 }),
);
const tuple = fc.array(part, { minLength: 1, maxLength: 4 });

describe('key encoding', () => {
  it('byte order equals tuple order on thousands of random tuples', () => {
    fc.assert(
      fc.property(tuple, tuple, (a, b) => {
        const byBytes = Math.sign(compareKeys(Key.trace('r', ...a), Key.trace('r', ...b)));
        expect(byBytes).toBe(Math.sign(compareTuple(a, b)));
      }),
      { numRuns: 3000 },
    );
  });

  it("builds exactly ordered-binary's encoding of the whole tuple", () => {
    const hex = (p: KeyPart) => (p instanceof Uint8Array ? Symbol(Buffer.from(p).toString('hex')) : p);
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), tuple, (runId, parts) => {
        const plain = toBufferKey(['u', runId, TypeTag.Trace, ...parts.map(hex)]);
        expect(Buffer.from(Key.trace(runId, ...parts))).toEqual(Buffer.from(plain));
        const system = toBufferKey(['s', 'system', TypeTag.Run, ...parts.map(hex)]);
        expect(Buffer.from(Key.run(...parts))).toEqual(Buffer.from(system));
      }),
      { numRuns: 2000 },
    );
  });

  it('Key.extend(key, part) is the key of the longer tuple, byte for byte', () => {
    fc.assert(
      fc.property(tuple, (parts) => {
        if (parts.length === 0) return;
        const head = parts.slice(0, -1);
        const last = parts.at(-1)!;
        expect(Buffer.from(Key.extend(Key.trace('run-7', ...head), last))).toEqual(
          Buffer.from(Key.trace('run-7', ...parts)),
        );
        expect(Buffer.from(Key.extend(Key.run(...head), last))).toEqual(Buffer.from(Key.run(...parts)));
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['a non-key', () => Key.extend('run-1' as never, 1)],
    ['an empty key', () => Key.extend(new Uint8Array(0), 1)],
    ['a bad part', () => Key.extend(Key.kv('r', 'a'), Number.NaN)],
    [
      'a part that makes the key too long',
      () => Key.extend(Key.trace('r', 'x'.repeat(500), 'y'.repeat(500), 'z'.repeat(500)), 'w'.repeat(500)),
    ],
  ])('Key.extend refuses %s with INVALID_ARGUMENT', (_name, call) => {
    expect(call).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('decodes every key back to its owner and tuple', () => {
    fc.assert(
      fc.property(tuple, (parts) => {
        const decoded = decodeKey(Key.of(TypeTag.Trace, 'run-7', ...parts));
        expect(decoded.namespace).toBe('user');
        expect(decoded.runId).toBe('run-7');
        expect(decoded.tag).toBe(TypeTag.Trace);
        expect(decoded.parts.map((p) => (typeof p === 'bigint' ? Number(p) : p))).toEqual(
          parts.map((p) => (typeof p === 'bigint' ? Number(p) : p)),
        );
      }),
      { numRuns: 1000 },
    );
  });

  it('stores -0 as 0, so it sorts with zero', () => {
    expect(compareKeys(Key.trace('r', -0), Key.trace('r', 0))).toBe(0);
    expect(compareKeys(Key.trace('r', -0), Key.trace('r', 1))).toBeLessThan(0);
  });

  it('sorts event sequences numerically', () => {
    expect(compareKeys(Key.event('r', 9), Key.event('r', 10))).toBeLessThan(0);
    expect(compareKeys(Key.event('r', 255), Key.event('r', 256))).toBeLessThan(0);
  });
});

describe('runRange', () => {
  const runIds = ['run1', 'run10', 'run1_', 'run', 'a', 'A', 'z-9', 'x'.repeat(64)];
  const keysOf = (runId: string) => [
    Key.kv(runId, 'k'),
    Key.event(runId, 0),
    Key.event(runId, 1e9),
    Key.state(runId, 'phase'),
    Key.trace(runId, 'by-tag', 'a', 5, 'id'),
    Key.of(TypeTag.Run, runId, 'x'),
  ];

  it.each(runIds)('holds every key of %s and no key of another run', (runId) => {
    const range = runRange(runId);
    for (const other of runIds) {
      for (const key of keysOf(other)) expect(inRange(key, range)).toBe(other === runId);
    }
    expect(inRange(Key.run('record', runId), range)).toBe(false);
  });

  it('holds random keys of its own run only (run1 vs run10)', () => {
    fc.assert(
      fc.property(tuple, fc.constantFrom(...runIds), fc.constantFrom(...runIds), (parts, a, b) => {
        expect(inRange(Key.trace(a, ...parts), runRange(b))).toBe(a === b);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('userKeysRange', () => {
  it('holds every key of every run, of every tag, and no key of the run index', () => {
    const range = userKeysRange();
    for (const runId of ['a', 'run1', 'system', 'z'.repeat(64), '_', '-']) {
      expect(inRange(runRange(runId).start, range)).toBe(true);
      expect(inRange(Key.kv(runId, 'k'), range)).toBe(true);
      expect(inRange(Key.of(TypeTag.Run, runId, 'x'), range)).toBe(true);
      expect(inRange(Key.run('record', runId), range)).toBe(false);
    }
    expect(inRange(Key.run('count'), range)).toBe(false);
  });

  it('starts with the byte runIdOfKey reads as the user namespace', () => {
    fc.assert(
      fc.property(tuple, fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), (parts, runId) => {
        const key = Key.trace(runId, ...parts);
        expect(inRange(key, userKeysRange())).toBe(true);
        expect(runIdOfKey(key)).toBe(runId);
      }),
      { numRuns: 300 },
    );
  });
});

describe('tagRange and textPrefixRange', () => {
  it('a tag prefix never matches a longer tag (a vs a__b)', () => {
    const range = tagRange('r', TypeTag.Trace, 'by-tag', 'a');
    expect(inRange(Key.trace('r', 'by-tag', 'a', 1, 'id'), range)).toBe(true);
    expect(inRange(Key.trace('r', 'by-tag', 'a'), range)).toBe(true);
    expect(inRange(Key.trace('r', 'by-tag', 'a__b', 1, 'id'), range)).toBe(false);
    expect(inRange(Key.trace('r', 'by-tag', 'ab'), range)).toBe(false);
    expect(inRange(Key.trace('r', 'by-tag', 'b'), range)).toBe(false);
    expect(inRange(Key.trace('r', 'by-type', 'a'), range)).toBe(false);
  });

  it('separates tags of one run', () => {
    const kv = tagRange('r', TypeTag.KV);
    expect(inRange(Key.kv('r', 'x'), kv)).toBe(true);
    expect(inRange(Key.state('r', 'x'), kv)).toBe(false);
    expect(inRange(Key.kv('r2', 'x'), kv)).toBe(false);
  });

  it('a text prefix matches exactly the strings that start with it', () => {
    fc.assert(
      fc.property(keyString, keyString, (prefix, key) => {
        const range = textPrefixRange('r', TypeTag.KV, [], prefix);
        expect(inRange(Key.kv('r', key), range)).toBe(key.startsWith(prefix));
      }),
      { numRuns: 2000 },
    );
    const range = textPrefixRange('r', TypeTag.KV, [], 'a');
    expect(inRange(Key.kv('r', 'abc'), range)).toBe(true);
    expect(inRange(Key.kv('r', 'b'), range)).toBe(false);
  });

  it('keySuccessor is the least key above its argument', () => {
    const k = Key.kv('r', 'abc');
    expect(compareKeys(keySuccessor(k), k)).toBeGreaterThan(0);
    expect(compareKeys(keySuccessor(k), Key.kv('r', 'abd'))).toBeLessThan(0);
    expect(compareKeys(keySuccessor(k), Key.kv('r', 'abc\u0005'))).toBeLessThan(0);
  });
});

describe('bad keys', () => {
  const cases: [string, () => unknown][] = [
    ['empty kv key', () => Key.kv('r', '')],
    ['kv key over 512 bytes', () => Key.kv('r', 'é'.repeat(257))],
    ['kv key with U+0000', () => Key.kv('r', 'a\u0000b')],
    ['kv key with a lone surrogate', () => Key.kv('r', 'a\ud800')],
    ['non-string kv key', () => Key.kv('r', 5 as unknown as string)],
    ['empty run id', () => Key.kv('', 'k')],
    ['run id with a slash', () => Key.kv('a/b', 'k')],
    ['run id over 64 chars', () => Key.kv('x'.repeat(65), 'k')],
    ['non-string run id', () => Key.kv(undefined as unknown as string, 'k')],
    ['negative event sequence', () => Key.event('r', -1)],
    ['fractional event sequence', () => Key.event('r', 1.5)],
    ['NaN key part', () => Key.trace('r', Number.NaN)],
    ['Infinity key part', () => Key.trace('r', Number.POSITIVE_INFINITY)],
    ['object key part', () => Key.trace('r', {} as unknown as string)],
    [
      'encoded key over 1,900 bytes',
      () => Key.trace('r', 'a'.repeat(500), 'b'.repeat(500), 'c'.repeat(500), 'd'.repeat(500)),
    ],
    ['unregistered tag', () => Key.of(0x42, 'r', 'x')],
    ['run range of a bad id', () => runRange('no spaces')],
    ['empty text prefix', () => textPrefixRange('r', TypeTag.KV, [], '')],
  ];
  it.each(cases)('%s → INVALID_ARGUMENT', (_name, make) => {
    expect(make).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('accepts the limits exactly', () => {
    expect(() => Key.kv('x'.repeat(64), 'é'.repeat(256))).not.toThrow();
    expect(() => Key.kv('_-aZ09', '\u0005 ok')).not.toThrow();
  });
});

describe('runIdOfKey', () => {
  it('reads the run id of any user key and nothing from system keys', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), tuple, (runId, parts) => {
        expect(runIdOfKey(Key.trace(runId, ...parts))).toBe(runId);
      }),
      { numRuns: 500 },
    );
    expect(runIdOfKey(Key.run('record', 'r'))).toBeUndefined();
    expect(runIdOfKey(new Uint8Array([1, 2, 3]))).toBeUndefined();
  });
});

describe('system keys and foreign bytes', () => {
  it('systemRange holds exactly the run-index keys under its prefix, never a user key', () => {
    const r = systemRange('by-status', 'active');
    expect(inRange(Key.run('by-status', 'active', 'run-1'), r)).toBe(true);
    expect(inRange(Key.run('by-status', 'done', 'run-1'), r)).toBe(false);
    expect(inRange(Key.kv('system', 'by-status'), systemRange())).toBe(false);
    expect(decodeKey(Key.run('by-status', 'active'))).toEqual({
      namespace: 'system',
      runId: 'system',
      tag: TypeTag.Run,
      parts: ['by-status', 'active'],
    });
  });

  it.each([
    ['a bare string', toBufferKey('not a tuple')],
    ['a short tuple', toBufferKey(['u', 'r'])],
    ['an unknown namespace', toBufferKey(['x', 'r', 1, 'k'])],
    ['a non-string run id', toBufferKey(['u', 5, 1, 'k'])],
    ['a part of an unsupported type', toBufferKey(['u', 'r', 1, true])],
  ])('decodeKey refuses %s with INVALID_ARGUMENT', (_name, bytes) => {
    expect(() => decodeKey(bytes)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('a tuple whose encoding overflows the encoder is refused as too long, not a RangeError', () => {
    const parts = Array.from({ length: 30 }, () => 'x'.repeat(500));
    expect(() => Key.of(TypeTag.Trace, 'r', ...parts)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('too long') }),
    );
  });
});
