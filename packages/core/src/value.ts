import { AgentDBError } from './errors.js';

/**
 * What AgentDB stores. A value read back equals the value written (deep equality, including bigint,
 * bytes, dates and `-0`).
 */
export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | Date
  | Value[]
  | { [key: string]: Value };

/** Default limit on an encoded value: 16 MiB. */
export const DEFAULT_MAX_VALUE_BYTES = 16 * 1024 * 1024;
/** Deepest nesting accepted; deeper values would exhaust the stack of any encoder. */
export const MAX_VALUE_DEPTH = 512;

export interface ValidateOptions {
  /** The name of the root in error paths (`payload.steps[3].fn`). Default `value`. */
  name?: string;
  /** Refuse NaN and ±Infinity (a primitive that needs finite numbers sets this). Default false. */
  finiteNumbers?: boolean;
}

/** What validation learned about a value, so encoding need not walk it again. */
export interface ValueShape {
  /** The value contains a `-0`, which the codec must carry explicitly. */
  hasNegativeZero: boolean;
}

const UNSTORABLE: Record<string, string> = {
  undefined: 'is undefined (use null, or leave the field out)',
  function: 'is a function',
  symbol: 'is a symbol',
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function fail(path: string, problem: string): never {
  throw new AgentDBError('INVALID_VALUE', `${path} ${problem}`, { path });
}

/**
 * Checks that `value` is a storable `Value` and throws `INVALID_VALUE` naming the offending path
 * otherwise: `undefined`, functions, symbols, class instances other than `Date`/`Uint8Array`, invalid
 * dates, cycles, `__proto__` keys, nesting deeper than 512, and (with `finiteNumbers`) NaN/±Infinity.
 * The size limit is checked by `encodeValue`, on the encoded bytes.
 *
 * @example
 * validateValue({ steps: [() => 1] }, { name: 'payload' });
 * // throws INVALID_VALUE: payload.steps[0] is a function
 */
export function validateValue(value: unknown, options: ValidateOptions = {}): ValueShape {
  const shape: ValueShape = { hasNegativeZero: false };
  const ancestors = new Set<object>();
  const finite = options.finiteNumbers === true;

  const visit = (v: unknown, path: string, depth: number): void => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
      case 'bigint':
        return;
      case 'number':
        if (Object.is(v, -0)) shape.hasNegativeZero = true;
        else if (finite && !Number.isFinite(v)) fail(path, `must be a finite number, got ${v}`);
        return;
      case 'undefined':
      case 'function':
      case 'symbol':
        fail(path, UNSTORABLE[typeof v] ?? 'cannot be stored');
    }
    if (v === null || v instanceof Uint8Array) return;
    const obj = v as object;
    if (obj instanceof Date) {
      if (Number.isNaN(obj.getTime())) fail(path, 'is an invalid Date');
      return;
    }
    if (depth >= MAX_VALUE_DEPTH) fail(path, `is nested deeper than ${MAX_VALUE_DEPTH} levels`);
    if (ancestors.has(obj)) fail(path, 'is a circular reference');
    ancestors.add(obj);
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        if (!(i in obj)) fail(`${path}[${i}]`, 'is a hole in a sparse array');
        visit(obj[i], `${path}[${i}]`, depth + 1);
      }
    } else {
      const proto: unknown = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        fail(
          path,
          `is an instance of ${(obj as { constructor?: { name?: string } }).constructor?.name ?? 'a class'}; only plain objects, arrays, Date and Uint8Array are stored`,
        );
      }
      if (Object.getOwnPropertySymbols(obj).length > 0) fail(path, 'has symbol keys, which cannot be stored');
      for (const [k, child] of Object.entries(obj)) {
        if (k === '__proto__') fail(childPath(path, k), 'is a reserved key');
        visit(child, childPath(path, k), depth + 1);
      }
    }
    ancestors.delete(obj);
  };

  visit(value, options.name ?? 'value', 0);
  return shape;
}

/**
 * Type guard form of `validateValue`: true when `value` could be stored.
 *
 * @example
 * if (!isValue(input)) throw new Error('not storable');
 */
export function isValue(value: unknown): value is Value {
  try {
    validateValue(value);
    return true;
  } catch {
    return false;
  }
}
