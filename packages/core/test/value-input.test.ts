import { describe, expect, it } from 'vitest';
import {
  type AgentDBError,
  decodeValue,
  encodeValue,
  isAgentDBError,
  snapshotValue,
  validateValue,
} from '../src/index.js';
import { flipping, hostileValues, shiftingProxy } from '../src/testing.js';

function refusal(f: () => unknown): AgentDBError {
  try {
    f();
  } catch (e) {
    if (isAgentDBError(e)) return e;
    throw new Error(`expected an AgentDBError, got ${String(e)}`);
  }
  throw new Error('expected a refusal');
}

describe('strings must be well-formed UTF-16', () => {
  it.each([
    ['at the top level', 'x\ud800', 'value'],
    ['a lone low surrogate', '\udc00y', 'value'],
    ['in an array', ['ok', ['a', 'b\udbff']], 'value[1][1]'],
    ['in an object', { a: { b: 'z\ud83d' } }, 'value.a.b'],
    ['in an object key', { a: { ['k\ud800']: 1 } }, 'value.a["k\\ud800"]'],
  ])('a lone surrogate %s → INVALID_VALUE naming %s', (_name, value, path) => {
    const e = refusal(() => encodeValue(value));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.path).toBe(path);
    expect(e.message).toMatch(/not well-formed UTF-16/);
  });

  it('accepts surrogate pairs and round-trips them exactly', () => {
    const v = { '🌍': 'emoji 🌍 and 𝄞' };
    expect(decodeValue(encodeValue(v))).toStrictEqual(v);
  });
});

describe('paths in messages are capped', () => {
  it('a refusal 100,000 levels deep gives a short message with the depth', () => {
    let deep: unknown = () => 0;
    for (let i = 0; i < 100_000; i++) deep = { child: deep };
    const e = refusal(() => encodeValue(deep));
    expect(e.message.length).toBeLessThan(300);
    expect(e.message).toContain('nested deeper than 512 levels');
    expect(e.path).toBe(
      'value.child.child.child.child.child.child….child.child.child.child.child.child (depth 512)',
    );
  });

  it('a long key is cut to 40 characters', () => {
    const key = 'k'.repeat(100_000);
    const e = refusal(() => encodeValue({ [key]: undefined }));
    expect(e.message.length).toBeLessThan(200);
    expect(e.path).toBe(`value["${'k'.repeat(40)}…"]`);
  });

  it('a cycle is named at its first repeat, not at the depth limit', () => {
    const a: Record<string, unknown> = { x: [1] };
    (a.x as unknown[]).push({ back: a });
    expect(refusal(() => encodeValue({ root: a })).path).toBe('value.root.x[1].back');
    expect(refusal(() => encodeValue({ root: a })).message).toContain('circular reference');
  });
});

describe('a value is read exactly once', () => {
  it.each(hostileValues())('%s', (_name, make, outcome) => {
    if ('refused' in outcome) {
      expect(refusal(() => encodeValue(make())).code).toBe(outcome.refused);
      expect(refusal(() => snapshotValue(make())).code).toBe(outcome.refused);
      expect(refusal(() => validateValue(make())).code).toBe(outcome.refused);
    } else {
      expect(decodeValue(encodeValue(make()))).toStrictEqual(outcome.stored);
      expect(snapshotValue(make())).toStrictEqual(outcome.stored);
    }
  });

  it('reads each getter once per encode', () => {
    let reads = 0;
    const v = {
      get a() {
        reads++;
        return [1, 2];
      },
    };
    encodeValue(v);
    expect(reads).toBe(1);
  });

  it('a refusal is described from the same read: a getter bad once and good after stays refused', () => {
    // The old two-walk design re-read the value to name the path and could then find nothing wrong.
    const e = refusal(() => encodeValue({ deep: flipping('f', () => 0, 'fine') }));
    expect(e.path).toBe('value.deep.f');
  });

  it('a getter that throws is INVALID_VALUE with the getter’s error as cause', () => {
    const e = refusal(() =>
      encodeValue(
        Object.defineProperty({}, 'a', {
          enumerable: true,
          get() {
            throw new RangeError('nope');
          },
        }),
      ),
    );
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.cause).toBeInstanceOf(RangeError);
  });

  it('snapshotValue returns fresh containers, dates and byte views', () => {
    const inner = { b: [1] };
    const date = new Date(5);
    const bytes = new Uint8Array([1, 2]);
    const v = { inner, date, bytes };
    const copy = snapshotValue(v) as typeof v;
    expect(copy).toStrictEqual(v);
    expect(copy.inner).not.toBe(inner);
    expect(copy.inner.b).not.toBe(inner.b);
    expect(copy.date).not.toBe(date);
    expect(copy.bytes).not.toBe(bytes);
  });

  it('bytes are read through the intrinsic getters, not an overridden length', () => {
    const bytes = Object.defineProperty(new Uint8Array([1, 2, 3]), 'length', { value: 1000 });
    expect(decodeValue(encodeValue(bytes))).toStrictEqual(new Uint8Array([1, 2, 3]));
  });

  it('a proxy is read through its traps once and stored as the plain copy', () => {
    const p = shiftingProxy({ keep: true }, 'n', 1, 'changed');
    expect(decodeValue(encodeValue(p))).toStrictEqual({ keep: true, n: 1 });
  });

  it('a value with more elements than the size limit has bytes is refused before it is walked whole', () => {
    // 2^40 leaves reachable through shared arrays: the walk stops at the size budget.
    let v: unknown = [0, 0];
    for (let i = 0; i < 40; i++) v = [v, v];
    const e = refusal(() => encodeValue(v, { maxBytes: 1024 }));
    expect(e.code).toBe('INVALID_VALUE');
    expect(e.message).toContain('size limit of 1024 bytes');
  });

  it('symbol keys are refused, and a class whose constructor cannot be read is still named', () => {
    expect(refusal(() => encodeValue({ a: { [Symbol('s')]: 1 } })).path).toBe('value.a');
    const odd = new Proxy(new (class Hidden {})(), {
      get: () => {
        throw new Error('no peeking');
      },
    });
    const e = refusal(() => encodeValue({ odd }));
    expect(e.message).toContain('is an instance of a class');
  });
});
