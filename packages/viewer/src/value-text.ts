import type { Value } from '@agentdb/primitives';
import type { ValueText } from './shared/api-types.js';

/** Characters of a one-line preview (tables, tree lines). */
export const PREVIEW_CHARS = 160;

/**
 * Characters of a value rendered in full: in a detail response (one trace, one event), and in each
 * row of a listing that shows values whole (KV, state). Past this it is cut, so one huge value cannot
 * stall a page.
 */
export const FULL_CHARS = 200_000;
export const ROW_FULL_CHARS = 10_000;

/** Bytes shown as hex before `…`. */
const HEX_BYTES = 32;

/**
 * Renders `value` as JSON-like text: strings quoted, `123n` for bigints, `-0`, `NaN`, `Infinity`,
 * `Date(2024-05-01T12:00:00.000Z)` and `bytes(5:0001fafbff)`. With `indent` it spans several lines.
 * Rendering stops once `max` characters are out, so a 16 MiB payload costs a preview's worth of work.
 */
/** A value that is not an array or object, as text; `undefined` for arrays and objects. */
function scalar(v: Value, max: number): string | undefined {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > max ? v.slice(0, max) : v);
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.subarray(0, HEX_BYTES)).toString('hex');
    return `bytes(${v.length}:${hex}${v.length > HEX_BYTES ? '…' : ''})`;
  }
  if (v instanceof Date) return `Date(${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()})`;
  return undefined;
}

/**
 * Renders `value` as JSON-like text: strings quoted, `123n` for bigints, `-0`, `NaN`, `Infinity`,
 * `Date(2024-05-01T12:00:00.000Z)` and `bytes(5:0001fafbff)`. With `indent` it spans several lines.
 * Rendering stops once `max` characters are out, so a 16 MiB payload costs a preview's worth of work.
 */
function render(value: Value, max: number, indent: string | undefined): string {
  const out: string[] = [];
  let size = 0;
  const emit = (s: string) => {
    out.push(s);
    size += s.length;
  };
  const walk = (v: Value, depth: number) => {
    if (size > max) return;
    const text = scalar(v, max);
    if (text !== undefined) {
      emit(text);
      return;
    }
    const entries: [string | undefined, Value][] = Array.isArray(v)
      ? v.map((x) => [undefined, x])
      : Object.entries(v as { [k: string]: Value });
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      emit(open + close);
      return;
    }
    const inner = indent === undefined ? '' : `\n${indent.repeat(depth + 1)}`;
    emit(open);
    for (const [i, [k, x]] of entries.entries()) {
      if (size > max) break;
      emit(i === 0 ? inner : `,${inner}`);
      if (k !== undefined) emit(`${JSON.stringify(k)}:${indent === undefined ? '' : ' '}`);
      walk(x, depth + 1);
    }
    emit((indent === undefined ? '' : `\n${indent.repeat(depth)}`) + close);
  };
  walk(value, 0);
  const text = out.join('');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * One line of at most `max` characters (newlines inside strings stay escaped, as JSON writes them).
 *
 * @example
 * valueLine({ n: 2n, at: new Date(0) }); // '{"n":2n,"at":Date(1970-01-01T00:00:00.000Z)}'
 */
export function valueLine(value: Value, max = PREVIEW_CHARS): string {
  return render(value, max, undefined);
}

/**
 * A value as the page shows it: its one-line preview and, with `fullChars`, the whole of it indented
 * (cut at that many characters).
 *
 * @example
 * valueText([1, 'a'], FULL_CHARS); // { line: '[1,"a"]', full: '[\n  1,\n  "a"\n]' }
 */
export function valueText(value: Value, fullChars?: number): ValueText {
  const line = valueLine(value);
  return fullChars === undefined ? { line } : { line, full: render(value, fullChars, '  ') };
}

/**
 * Cuts plain text (a thought, a message) to `max` characters with `…`.
 *
 * @example
 * clip('abcdef', 4); // 'abc…'
 */
export function clip(text: string, max = PREVIEW_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
