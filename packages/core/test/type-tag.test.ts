import { describe, expect, it } from 'vitest';
import { Key, registeredTypeTags, registerTypeTag, TypeTag, typeTagName } from '../src/index.js';

describe('TypeTag', () => {
  it('has the five built-ins', () => {
    expect(TypeTag).toEqual({ KV: 1, Event: 2, State: 3, Trace: 4, Run: 5 });
    expect(typeTagName(TypeTag.Trace)).toBe('Trace');
  });

  it('registers an extension tag and builds keys with it', () => {
    registerTypeTag(0x10, 'queue');
    expect(typeTagName(0x10)).toBe('queue');
    expect(registeredTypeTags().map((t) => t.code)).toContain(0x10);
    expect(Key.of(0x10, 'r', 'm', 1)).toBeInstanceOf(Uint8Array);
  });

  it('allows registering the very same pair twice', () => {
    registerTypeTag(0x11, 'same');
    expect(() => registerTypeTag(0x11, 'same')).not.toThrow();
  });

  it.each([0x00, 0x01, 0x05, 0x06, 0x0f, 0x100, -1, 16.5, Number.NaN])(
    'refuses code %s with INVALID_ARGUMENT',
    (code) => {
      expect(() => registerTypeTag(code, `t${String(code).replace(/\W/g, '')}x`)).toThrowError(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    },
  );

  it('refuses a taken code or name with ALREADY_EXISTS', () => {
    registerTypeTag(0x20, 'alpha');
    expect(() => registerTypeTag(0x20, 'beta')).toThrowError(
      expect.objectContaining({ code: 'ALREADY_EXISTS' }),
    );
    expect(() => registerTypeTag(0x21, 'alpha')).toThrowError(
      expect.objectContaining({ code: 'ALREADY_EXISTS' }),
    );
    expect(() => registerTypeTag(0x22, 'KV')).toThrowError(
      expect.objectContaining({ code: 'ALREADY_EXISTS' }),
    );
  });

  it.each(['', '1abc', 'has space', 'x'.repeat(65)])('refuses name %j with INVALID_ARGUMENT', (name) => {
    expect(() => registerTypeTag(0x30, name)).toThrowError(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
