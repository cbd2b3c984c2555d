import type { Value } from '@agentdb/primitives';

/**
 * A lossless JSON form of AgentDB `Value`s, used by `--json` output and by export/import.
 *
 * Plain JSON carries null, booleans, finite numbers, strings, arrays and objects as themselves. The
 * values JSON cannot carry become one-key objects whose key starts with `$`:
 *
 *   bigint          → { "$bigint": "123456789012345678901234567890" }
 *   Uint8Array      → { "$bytes": "<base64>" }
 *   Date            → { "$date": "2023-11-14T22:13:20.000Z" }
 *   -0, NaN, ±Inf   → { "$number": "-0" | "NaN" | "Infinity" | "-Infinity" }
 *
 * A stored object that itself has exactly one key starting with `$` is wrapped as
 * `{ "$object": { … } }` so it can never be mistaken for one of the forms above. Every other object
 * is written as is, so ordinary payloads stay readable.
 */
export type TypedJson = null | boolean | number | string | TypedJson[] | { [key: string]: TypedJson };

const SPECIAL_NUMBERS = new Map<string, number>([
  ['-0', -0],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

const TAGS = new Set(['$bigint', '$bytes', '$date', '$number', '$object']);

/** Whether a plain object would read back as a tagged form (one key, starting with `$`). */
function looksTagged(keys: string[]): boolean {
  return keys.length === 1 && keys[0]!.startsWith('$');
}

/**
 * The lossless JSON form of `value`.
 *
 * @example
 * toTypedJson({ n: 2n ** 70n }); // { n: { $bigint: '1180591620717411303424' } }
 */
export function toTypedJson(value: Value): TypedJson {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Object.is(value, -0)) return { $number: '-0' };
    return Number.isFinite(value) ? value : { $number: String(value) };
  }
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map(toTypedJson);
  const out: { [key: string]: TypedJson } = {};
  const keys = Object.keys(value);
  for (const key of keys) define(out, key, toTypedJson(value[key] as Value));
  return looksTagged(keys) ? { $object: out } : out;
}

/**
 * The `Value` a lossless JSON form stands for; throws `Error` naming the path of anything malformed.
 *
 * @example
 * fromTypedJson({ $date: '2023-11-14T22:13:20.000Z' }); // Date
 */
export function fromTypedJson(json: unknown, path = '$'): Value {
  if (json === null || typeof json === 'boolean' || typeof json === 'string') return json;
  if (typeof json === 'number') return json;
  if (Array.isArray(json)) return json.map((item, i) => fromTypedJson(item, `${path}[${i}]`));
  if (typeof json !== 'object') throw new Error(`${path}: not a JSON value`);
  const obj = json as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (looksTagged(keys)) return fromTagged(keys[0]!, obj[keys[0]!], path);
  return fromEntries(obj, keys, path);
}

function fromEntries(obj: Record<string, unknown>, keys: string[], path: string): Value {
  const out: { [key: string]: Value } = {};
  for (const key of keys) define(out, key, fromTypedJson(obj[key], `${path}.${key}`));
  return out;
}

function fromTagged(tag: string, body: unknown, path: string): Value {
  if (!TAGS.has(tag)) throw new Error(`${path}: unknown tagged form "${tag}"`);
  if (tag === '$object') {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new Error(`${path}: $object must hold an object`);
    const obj = body as Record<string, unknown>;
    return fromEntries(obj, Object.keys(obj), path);
  }
  if (typeof body !== 'string') throw new Error(`${path}: ${tag} must hold a string`);
  switch (tag) {
    case '$bigint':
      if (!/^-?\d+$/.test(body)) throw new Error(`${path}: ${JSON.stringify(body)} is not an integer`);
      return BigInt(body);
    case '$bytes':
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body) || body.length % 4 !== 0)
        throw new Error(`${path}: $bytes is not base64`);
      return new Uint8Array(Buffer.from(body, 'base64'));
    case '$date': {
      const date = new Date(body);
      if (Number.isNaN(date.getTime())) throw new Error(`${path}: ${JSON.stringify(body)} is not a date`);
      return date;
    }
    default: {
      const n = SPECIAL_NUMBERS.get(body);
      if (n === undefined) throw new Error(`${path}: ${JSON.stringify(body)} is not a special number`);
      return n;
    }
  }
}

// `out[key] = v` with key "__proto__" would set the prototype instead of a property.
function define<T>(out: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * `JSON.stringify` of the lossless form.
 *
 * @example
 * stringifyTyped([1n, new Uint8Array([1])]); // '[{"$bigint":"1"},{"$bytes":"AQ=="}]'
 */
export function stringifyTyped(value: Value, indent?: number): string {
  return JSON.stringify(toTypedJson(value), null, indent);
}
