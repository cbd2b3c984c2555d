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
/**
 * Deepest nesting the storage layer accepts: a caller's value may nest `MAX_VALUE_DEPTH` levels, and a
 * primitive stores it inside its own record (a trace's `traceType.arguments` sits two levels down), so
 * stored values get a few levels of room on top.
 */
export const MAX_STORED_DEPTH = MAX_VALUE_DEPTH + 8;

export interface ValidateOptions {
  /** The name of the root in error paths (`payload.steps[3].fn`). Default `value`. */
  name?: string;
  /** Refuse NaN and ±Infinity (a primitive that needs finite numbers sets this). Default false. */
  finiteNumbers?: boolean;
  /** Deepest nesting accepted. Default `MAX_VALUE_DEPTH` (512); the engine stores up to `MAX_STORED_DEPTH`. */
  maxDepth?: number;
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

/** Segments shown at each end of a long path, and characters shown of a long key. */
const PATH_END_SEGMENTS = 6;
const KEY_CHARS = 40;

function segmentText(s: Segment): string {
  if (typeof s === 'number') return `[${s}]`;
  if (s.length > KEY_CHARS) return `[${JSON.stringify(`${s.slice(0, KEY_CHARS)}…`)}]`;
  return IDENTIFIER.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`;
}

/**
 * The text of a path, capped: a path deeper than a dozen segments shows its first and last six and
 * its depth, and a long key its first 40 characters, so a refusal deep inside a huge value still
 * produces a short message.
 */
function pathText(root: string, segments: readonly Segment[]): string {
  const n = segments.length;
  if (n <= 2 * PATH_END_SEGMENTS + 1) return root + segments.map(segmentText).join('');
  const head = segments.slice(0, PATH_END_SEGMENTS).map(segmentText).join('');
  const tail = segments
    .slice(n - PATH_END_SEGMENTS)
    .map(segmentText)
    .join('');
  return `${root}${head}…${tail} (depth ${n})`;
}

/** Returned up the walk when a value is refused; the problem and its path are in the walk's state. */
const REFUSED: unique symbol = Symbol('refused');

/** What a walk builds: nothing (validation only), a plain copy, or a copy ready for the codec. */
type WalkMode = 'check' | 'copy';

/** One walk's state: its settings, what it learned, and (only after a refusal) the problem and its path. */
interface Walk {
  readonly mode: WalkMode;
  readonly finite: boolean;
  readonly maxDepth: number;
  /** What a `-0` becomes in the copy: `-0` itself, or the codec's marker for it. */
  readonly zero: unknown;
  /** Elements and fields still allowed: each encodes to at least one byte, so this bounds the walk. */
  budget: number;
  readonly maxBytes: number;
  negativeZero: boolean;
  problem: string;
  /** The refused value's path, filled in reverse while the walk unwinds. */
  path: Segment[];
  /** The containers on that path, deepest first, to tell a cycle from deep nesting. */
  chain: object[];
  /** What the walk returned: the copy (mode `copy`), the value itself (`check`), or `REFUSED`. */
  result: unknown;
}

// Until a refusal the walk has no path: `refuse` gives it arrays of its own, so the happy path
// allocates nothing but the copy. Nothing is ever pushed to these two.
const NO_PATH: Segment[] = [];
const NO_CHAIN: object[] = [];

function tooLarge(w: Walk): typeof REFUSED {
  return refuse(w, `holds more elements and fields than fit in the size limit of ${w.maxBytes} bytes`);
}

function refuse(w: Walk, problem: string): typeof REFUSED {
  w.problem = problem;
  w.path = [];
  w.chain = [];
  return REFUSED;
}

/** A container passing a refusal up: records where in it the refused value sits. */
function unwind(w: Walk, segment: Segment, container: object): typeof REFUSED {
  w.path.push(segment);
  w.chain.push(container);
  return REFUSED;
}

// Brand checks that getters, proxies and look-alike prototypes cannot fake.
const dateTime = Date.prototype.getTime;
const typedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const intrinsic = (name: PropertyKey) =>
  Object.getOwnPropertyDescriptor(typedArrayProto, name)?.get as (this: unknown) => unknown;
const typedArrayTag = intrinsic(Symbol.toStringTag);
const bufferOf = intrinsic('buffer');
const byteOffsetOf = intrinsic('byteOffset');
const byteLengthOf = intrinsic('byteLength');

function realDateTime(v: object): number | undefined {
  try {
    return dateTime.call(v);
  } catch {
    return undefined; // not a Date, whatever its prototype says
  }
}

function className(v: object): string {
  try {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'a class';
  } catch {
    return 'a class';
  }
}

/**
 * The one walk over a value: reads every element and own enumerable field exactly once, checks what it
 * read, and (mode `copy`) returns a plain copy built from those reads, so getters, proxies and
 * prototypes that change their answer cannot make the stored value differ from the checked one. The
 * happy path allocates only the copy: a refusal returns `REFUSED`, and only then does each level
 * record its path segment on the way up.
 */
function walk(v: unknown, depth: number, w: Walk): unknown {
  switch (typeof v) {
    case 'string':
      return v.isWellFormed() ? v : refuse(w, 'contains a lone surrogate (not well-formed UTF-16)');
    case 'boolean':
    case 'bigint':
      return v;
    case 'number':
      if (v === 0) {
        if (1 / v > 0) return v;
        w.negativeZero = true;
        return w.zero;
      }
      return w.finite && !Number.isFinite(v) ? refuse(w, `must be a finite number, got ${v}`) : v;
    case 'object':
      break;
    default:
      return refuse(w, UNSTORABLE[typeof v] ?? 'cannot be stored');
  }
  if (v === null) return null;
  const copy = w.mode === 'copy';
  if (Array.isArray(v)) {
    if (depth >= w.maxDepth) return tooDeep(w, v);
    const n = v.length;
    w.budget -= n + 1;
    if (w.budget < 0) return tooLarge(w);
    const out: unknown[] | undefined = copy ? [] : undefined;
    for (let i = 0; i < n; i++) {
      if (!(i in v)) {
        refuse(w, 'is a hole in a sparse array');
        return unwind(w, i, v);
      }
      const c = walk(v[i], depth + 1, w);
      if (c === REFUSED) return unwind(w, i, v);
      out?.push(c);
    }
    return out ?? v;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    if (depth >= w.maxDepth) return tooDeep(w, v);
    if (Object.getOwnPropertySymbols(v).length > 0)
      return refuse(w, 'has symbol keys, which cannot be stored');
    const record = v as Record<string, unknown>;
    const out: Record<string, unknown> | undefined = copy ? {} : undefined;
    const keys = Object.keys(record);
    w.budget -= keys.length + 1;
    if (w.budget < 0) return tooLarge(w);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (k === '__proto__' || !k.isWellFormed()) {
        refuse(w, k === '__proto__' ? 'is a reserved key' : 'is a key that is not well-formed UTF-16');
        return unwind(w, k, v);
      }
      const c = walk(record[k], depth + 1, w);
      if (c === REFUSED) return unwind(w, k, v);
      if (out !== undefined) out[k] = c;
    }
    return out ?? v;
  }
  if (typedArrayTag.call(v) === 'Uint8Array') {
    // A fresh view through the intrinsic getters: own-property or subclass overrides are not consulted.
    return copy
      ? new Uint8Array(
          bufferOf.call(v) as ArrayBuffer,
          byteOffsetOf.call(v) as number,
          byteLengthOf.call(v) as number,
        )
      : v;
  }
  const time = realDateTime(v);
  if (time !== undefined) {
    if (Number.isNaN(time)) return refuse(w, 'is an invalid Date');
    return copy ? new Date(time) : v;
  }
  return refuse(
    w,
    `is an instance of ${className(v)}; only plain objects, arrays, Date and Uint8Array are stored`,
  );
}

/** A refusal of container `v` itself (too deep): it starts the chain of containers. */
function tooDeep(w: Walk, v: object): typeof REFUSED {
  refuse(w, `is nested deeper than ${w.maxDepth} levels`);
  w.chain.push(v);
  return REFUSED;
}

/**
 * Turns a refusal into the error: the path in root-to-leaf order, capped, and — when the walk went
 * too deep because a container contains itself — the first repeated container named as the cycle.
 */
function refusal(w: Walk, name: string): AgentDBError {
  const segments = w.path.reverse();
  const chain = w.chain.reverse();
  let problem = w.problem;
  if (problem.startsWith('is nested deeper')) {
    const seen = new Set<object>();
    for (let j = 0; j < chain.length; j++) {
      if (seen.has(chain[j]!)) {
        segments.length = j;
        problem = 'is a circular reference';
        break;
      }
      seen.add(chain[j]!);
    }
  }
  const path = pathText(name, segments);
  return new AgentDBError('INVALID_VALUE', `${path} ${problem}`, { path });
}

/**
 * Walks `value` once and returns the walk (its `result` and whether it met a `-0`); throws
 * `INVALID_VALUE` naming the path of the first problem.
 */
export function walkValue(
  value: unknown,
  options: ValidateOptions | undefined,
  mode: WalkMode,
  zero: unknown,
  maxBytes: number,
): Walk {
  const w: Walk = {
    mode,
    finite: options?.finiteNumbers === true,
    maxDepth: options?.maxDepth ?? MAX_VALUE_DEPTH,
    zero,
    budget: maxBytes,
    maxBytes,
    negativeZero: false,
    problem: '',
    path: NO_PATH,
    chain: NO_CHAIN,
    result: undefined,
  };
  const name = options?.name ?? 'value';
  try {
    w.result = walk(value, 0, w);
  } catch (cause) {
    // A getter or proxy trap of the caller's threw while being read.
    throw new AgentDBError('INVALID_VALUE', `${name} could not be read: ${String(cause)}`, {
      path: name,
      cause,
    });
  }
  if (w.result === REFUSED) throw refusal(w, name);
  return w;
}

const PLAIN: ValueShape = Object.freeze({ hasNegativeZero: false });
const WITH_NEGATIVE_ZERO: ValueShape = Object.freeze({ hasNegativeZero: true });

/**
 * Checks that `value` is a storable `Value` and throws `INVALID_VALUE` naming the offending path
 * otherwise: `undefined`, functions, symbols, class instances other than `Date`/`Uint8Array`, invalid
 * dates, cycles, `__proto__` keys, strings or keys that are not well-formed UTF-16 (a lone
 * surrogate), nesting deeper than 512, and (with `finiteNumbers`) NaN/±Infinity. The size limit is
 * checked by `encodeValue`, on the encoded bytes. To store a caller's value, use `snapshotValue` (or
 * `encodeValue`), which read it once: checking and then storing the original would read its getters
 * twice.
 *
 * @example
 * validateValue({ steps: [() => 1] }, { name: 'payload' });
 * // throws INVALID_VALUE: payload.steps[0] is a function
 */
export function validateValue(value: unknown, options?: ValidateOptions): ValueShape {
  return walkValue(value, options, 'check', -0, DEFAULT_MAX_VALUE_BYTES).negativeZero
    ? WITH_NEGATIVE_ZERO
    : PLAIN;
}

/**
 * Reads a caller's value exactly once and returns a plain, checked copy of it (own enumerable fields
 * and elements; dates and bytes as fresh objects) — the rules of `validateValue`. Store the copy, not
 * the original: a getter or proxy cannot then make the stored value differ from the checked one.
 *
 * @example
 * const metadata = snapshotValue(opts.metadata, { name: 'metadata' });
 * const record = { metadata }; // store this copy, never opts.metadata: it is exactly what was checked
 */
export function snapshotValue(value: unknown, options?: ValidateOptions): Value {
  return walkValue(value, options, 'copy', -0, DEFAULT_MAX_VALUE_BYTES).result as Value;
}

/**
 * True when a stored value is a plain object — not `null`, an array, bytes or a date: the shape every
 * primitive's records have. Primitives use it to refuse (as `CORRUPTION`) a record they never wrote.
 *
 * @example
 * const stored = decodeValue(bytes); // a record read back from storage
 * if (!isValueObject(stored)) throw new AgentDBError('CORRUPTION', 'not a record');
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
