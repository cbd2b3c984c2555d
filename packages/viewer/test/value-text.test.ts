import { describe, expect, it } from 'vitest';
import { clip, PREVIEW_CHARS, valueLine, valueText } from '../src/value-text.js';

describe('valueLine', () => {
  it('writes every kind of stored value so it can be told apart', () => {
    expect(valueLine(null)).toBe('null');
    expect(valueLine([true, 1.5, -0, Number.NaN, Number.POSITIVE_INFINITY])).toBe(
      '[true,1.5,-0,NaN,Infinity]',
    );
    expect(valueLine(12n)).toBe('12n');
    expect(valueLine('12n')).toBe('"12n"');
    expect(valueLine(new Date(Date.UTC(2024, 4, 1, 12)))).toBe('Date(2024-05-01T12:00:00.000Z)');
    expect(valueLine(new Uint8Array([0, 1, 250]))).toBe('bytes(3:0001fa)');
    expect(valueLine(new Uint8Array(40))).toBe(`bytes(40:${'00'.repeat(32)}…)`);
    expect(valueLine({ 'a"b': [], c: {} })).toBe('{"a\\"b":[],"c":{}}');
    expect(valueLine('line\nbreak')).toBe('"line\\nbreak"');
  });

  it('cuts at the preview length, and renders only about that much of a huge value', () => {
    const huge = { items: Array.from({ length: 200_000 }, (_, i) => ({ i, text: 'x'.repeat(50) })) };
    const line = valueLine(huge);
    expect(line).toHaveLength(PREVIEW_CHARS);
    expect(line.endsWith('…')).toBe(true);
    expect(line.startsWith('{"items":[{"i":0,"text":"xxx')).toBe(true);
    expect(valueLine('y'.repeat(10_000_000), 20)).toBe(`"${'y'.repeat(18)}…`);
  });
});

describe('valueText', () => {
  it('adds the whole value, indented, when asked', () => {
    expect(valueText([1, { a: 'b' }], 1000)).toEqual({
      line: '[1,{"a":"b"}]',
      full: '[\n  1,\n  {\n    "a": "b"\n  }\n]',
    });
    expect(valueText(1)).toEqual({ line: '1' });
    expect(valueText('z'.repeat(100), 10).full).toBe(`"${'z'.repeat(8)}…`);
  });
});

it('clip cuts plain text with an ellipsis', () => {
  expect(clip('abcdef', 4)).toBe('abc…');
  expect(clip('abc', 4)).toBe('abc');
});
