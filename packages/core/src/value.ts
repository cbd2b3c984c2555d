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
  readonly hasNegativeZero: boolean;
}

const UNSTORABLE: Record<string, string> = {
  undefined: 'is undefined (use null, or leave the field out)',
  function: 'is a function',
  symbol: 'is a symbol',
};

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A path segment: an array index or an object key. Paths are only turned into text on failure. */
type Segment = number | string;

function pathText(root: string, segments: readonly Segment[]): string {
  let out = root;
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else out += IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
  }
  return out;
}

const NEGATIVE_ZERO = 1;
const REFUSED = 2;

/**
 * The hot path of `validateValue`: one allocation-free walk that either accepts the value (returning
 * whether it holds a `-0`) or says only "refused". It tracks no path and no ancestors — a cycle simply
 * nests past `MAX_VALUE_DEPTH` — so it never accepts what `describeProblem` would refuse, and every
 * refusal is re-walked by `describeProblem` to name the offending path.
 */
function quickCheck(v: unknown, depth: number, finite: boolean): number {
  switch (typeof v) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return 0;
    case 'number':
      if (v === 0) return 1 / v < 0 ? NEGATIVE_ZERO : 0;
      return finite && !Number.isFinite(v) ? REFUSED : 0;
    case 'object':
      break;
    default:
      return REFUSED;
  }
  if (v === null) return 0;
  let flags = 0;
  if (Array.isArray(v)) {
    if (depth >= MAX_VALUE_DEPTH) return REFUSED;
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) return REFUSED;
      flags |= quickCheck(v[i], depth + 1, finite);
      if (flags & REFUSED) return REFUSED;
    }
    return flags;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    if (depth >= MAX_VALUE_DEPTH || Object.getOwnPropertySymbols(v).length > 0) return REFUSED;
    const record = v as Record<string, unknown>;
    for (const k in record) {
      if (!Object.hasOwn(record, k)) continue;
      if (k === '__proto__') return REFUSED;
      flags |= quickCheck(record[k], depth + 1, finite);
      if (flags & REFUSED) return REFUSED;
    }
    return flags;
  }
  if (v instanceof Uint8Array) return 0;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? REFUSED : 0;
  return REFUSED;
}

/** The slow walk behind a refusal: finds the first problem and throws it with its path. */
function describeProblem(value: unknown, options: ValidateOptions): ValueShape {
  const shape = { hasNegativeZero: false };
  const ancestors: object[] = [];
  const segments: Segment[] = [];
  const finite = options.finiteNumbers === true;
  const fail = (problem: string): never => {
    const path = pathText(options.name ?? 'value', segments);
    throw new AgentDBError('INVALID_VALUE', `${path} ${problem}`, { path });
  };

  const visit = (v: unknown): void => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
      case 'bigint':
        return;
      case 'number':
        if (v === 0 && 1 / v < 0) shape.hasNegativeZero = true;
        else if (finite && !Number.isFinite(v)) fail(`must be a finite number, got ${v}`);
        return;
      case 'undefined':
      case 'function':
      case 'symbol':
        fail(UNSTORABLE[typeof v] ?? 'cannot be stored');
    }
    if (v === null || v instanceof Uint8Array) return;
    const obj = v as object;
    if (obj instanceof Date) {
      if (Number.isNaN(obj.getTime())) fail('is an invalid Date');
      return;
    }
    if (ancestors.length >= MAX_VALUE_DEPTH) fail(`is nested deeper than ${MAX_VALUE_DEPTH} levels`);
    if (ancestors.includes(obj)) fail('is a circular reference');
    ancestors.push(obj);
    if (Array.isArray(obj)) {
      for (let i = 0; i < obj.length; i++) {
        segments.push(i);
        if (!(i in obj)) fail('is a hole in a sparse array');
        visit(obj[i]);
        segments.pop();
      }
    } else {
      const proto: unknown = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) {
        const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'a class';
        fail(`is an instance of ${name}; only plain objects, arrays, Date and Uint8Array are stored`);
      }
      if (Object.getOwnPropertySymbols(obj).length > 0) fail('has symbol keys, which cannot be stored');
      const record = obj as Record<string, unknown>;
      for (const k in record) {
        if (!Object.hasOwn(record, k)) continue;
        segments.push(k);
        if (k === '__proto__') fail('is a reserved key');
        visit(record[k]);
        segments.pop();
      }
    }
    ancestors.pop();
  };

  visit(value);
  return shape;
}

const PLAIN: ValueShape = Object.freeze({ hasNegativeZero: false });
const WITH_NEGATIVE_ZERO: ValueShape = Object.freeze({ hasNegativeZero: true });

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
export function validateValue(value: unknown, options?: ValidateOptions): ValueShape {
  const flags = quickCheck(value, 0, options?.finiteNumbers === true);
  if (flags & REFUSED) return describeProblem(value, options ?? {});
  return flags & NEGATIVE_ZERO ? WITH_NEGATIVE_ZERO : PLAIN;
}

/**
 * True when a stored value is a plain object — not `null`, an array, bytes or a date: the shape every
 * primitive's records have. Primitives use it to refuse (as `CORRUPTION`) a record they never wrote.
 *
 * @example
 * const stored = await tx.get(key);
 * if (stored !== undefined && !isValueObject(stored)) throw new AgentDBError('CORRUPTION', 'not a record');
 */
export function isValueObject(v: unknown): v is { [key: string]: Value } {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    !(v instanceof Date)
  );
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
