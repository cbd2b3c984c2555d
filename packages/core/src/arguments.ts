import { distance } from 'fastest-levenshtein';
import { describe } from './describe.js';
import { AgentDBError, invalidArgument } from './errors.js';

/*
 * The argument-checking kit every package uses, so that every method refuses bad arguments the same
 * way: INVALID_ARGUMENT with a message naming the argument, what it must be and what it was. Options
 * objects are read once (`checkOptions` returns a plain copy), so a getter or proxy cannot answer one
 * thing to the check and another to the code that uses the option.
 */

/** A caller's options after `checkOptions`: each known field, read once, still to be checked. */
export type CheckedOptions<K extends string> = { readonly [P in K]?: unknown };

const NO_OPTIONS: CheckedOptions<never> = Object.freeze({});

/**
 * The known name closest to a misspelt one, if it is close enough to be a likely typo: within an
 * edit distance of half the longer name's length (at least 2), or equal ignoring case.
 *
 * @example
 * closestName('retires', ['retries', 'timeoutMs']); // 'retries'
 * closestName('colour', ['limit', 'after']); // undefined
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  const lower = name.toLowerCase();
  for (const candidate of known) {
    const d = candidate.toLowerCase() === lower ? 0 : distance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(2, Math.floor(Math.max(name.length, best?.length ?? 0) / 2));
  return bestDistance <= allowed ? best : undefined;
}

function unknownOption(what: string, name: string, known: readonly string[]): AgentDBError {
  if (known.length === 0) return invalidArgument(`${what} takes no options, got ${JSON.stringify(name)}`);
  const near = closestName(name, known);
  const hint = near === undefined ? '' : `; did you mean "${near}"?`;
  return invalidArgument(
    `unknown ${what} option ${JSON.stringify(name)}${hint} (the options are ${known.join(', ')})`,
  );
}

/**
 * Reads a plain object once: a plain copy of its own enumerable string-keyed fields, each read exactly
 * once. `undefined` gives an empty object; anything but a plain object (`null`, a string, an array, a
 * `Map`, a class instance, an object with symbol keys) is `INVALID_ARGUMENT`, and so is a getter or
 * proxy trap that throws (its error as `cause`). `what` names the argument (`traceType`).
 *
 * @example
 * const t = plainCopy(input, 'traceType'); // check and use t, never input
 */
export function plainCopy(value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (value === undefined) return NO_OPTIONS;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(`${what} must be an object, got ${describe(value)}`);
  }
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw invalidArgument(`${what} must be a plain object ({ … }), got ${describe(value)}`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) {
      throw invalidArgument(`${what} must not have symbol keys`);
    }
    const out: Record<string, unknown> = {};
    for (const name of Object.keys(value)) out[name] = (value as Record<string, unknown>)[name];
    return out;
  } catch (cause) {
    if (cause instanceof AgentDBError) throw cause;
    // A getter or proxy trap of the caller's threw while being read.
    throw new AgentDBError('INVALID_ARGUMENT', `${what} could not be read: ${String(cause)}`, { cause });
  }
}

/**
 * Refuses a field name that is not in `known`: `INVALID_ARGUMENT` naming it, with the closest known
 * name suggested. `what` names the method (`unknown append option "expectedSeqeunce"; did you mean
 * "expectedSequence"?`).
 *
 * @example
 * for (const name of Object.keys(copy)) checkKnownName(name, ['limit', 'after'], 'list');
 */
export function checkKnownName(name: string, known: readonly string[], what: string): void {
  if (!known.includes(name)) throw unknownOption(what, name, known);
}

/**
 * Reads an options object once and checks its shape: `undefined` means no options; anything but a
 * plain object (`null`, a string, an array, a `Map`, a class instance) and any field name not in
 * `known` is `INVALID_ARGUMENT` — a misspelt option (`{ ttl: 5 }` for `{ ttlMs: 5 }`) is named, with the
 * closest known name suggested, rather than silently ignored. Returns a plain copy of the own
 * enumerable fields, each read exactly once: check and use the copy, never the caller's object.
 * `what` names the method in messages (`append` → "unknown append option …").
 *
 * @example
 * const o = checkOptions(opts, ['limit', 'after'], 'list');
 * const limit = o.limit === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt(o.limit, 'limit');
 */
export function checkOptions<K extends string>(
  opts: unknown,
  known: readonly K[],
  what: string,
): CheckedOptions<K> {
  if (opts === undefined) return NO_OPTIONS;
  const copy = plainCopy(opts, `${what} options`);
  for (const name of Object.keys(copy)) checkKnownName(name, known, what);
  return copy as CheckedOptions<K>;
}

/**
 * An integer in `[min, max]` (safe integers only).
 *
 * @example
 * const batchSize = checkInt(o.batchSize, 'batchSize', 1, 10_000);
 */
export function checkInt(value: unknown, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : min === 0
            ? 'a non-negative integer'
            : `an integer ≥ ${min}`
        : `an integer from ${min} to ${max}`;
    throw invalidArgument(`${name} must be ${range}, got ${describe(value)}`);
  }
  return value;
}

/**
 * A positive safe integer (a limit, a count of retries).
 *
 * @example
 * const limit = checkPositiveInt(o.limit, 'limit');
 */
export function checkPositiveInt(value: unknown, name: string): number {
  return checkInt(value, name, 1);
}

/**
 * A non-negative safe integer (a sequence, a version, a commit number).
 *
 * @example
 * const since = checkNonNegativeInt(o.since, 'since');
 */
export function checkNonNegativeInt(value: unknown, name: string): number {
  return checkInt(value, name, 0);
}

/**
 * A positive finite number (a duration in milliseconds: `ttlMs`, `timeoutMs`).
 *
 * @example
 * const ttlMs = checkPositiveNumber(o.ttlMs, 'ttlMs');
 */
export function checkPositiveNumber(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidArgument(`${name} must be a positive finite number, got ${describe(value)}`);
  }
  return value;
}

/**
 * A boolean (`true`/`false`, not a truthy value).
 *
 * @example
 * const recursive = o.recursive === undefined ? false : checkBoolean(o.recursive, 'recursive');
 */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalidArgument(`${name} must be a boolean, got ${describe(value)}`);
  return value;
}

/**
 * One of a fixed set of strings.
 *
 * @example
 * const durability = checkOneOf(o.durability, ['strict', 'buffered', 'memory'], 'durability');
 */
export function checkOneOf<T extends string>(value: unknown, choices: readonly T[], name: string): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw invalidArgument(
      `${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/**
 * A function; `shape` says what kind in the message (`(tx) => …`).
 *
 * @example
 * checkFunction(fn, 'transaction', '(tx) => …');
 */
export function checkFunction<F extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
  shape: string,
): F {
  if (typeof value !== 'function')
    throw invalidArgument(`${name} needs a function ${shape}, got ${describe(value)}`);
  return value as F;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * An id: 1–64 characters of `[A-Za-z0-9_-]` (run ids, trace ids: URL- and file-name safe, never
 * escaped). `what` names it in the message.
 *
 * @example
 * const id = checkId(o.id, 'trace id');
 */
export function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw invalidArgument(
      `${what} ${describe(value)} is invalid: use 1–64 characters from A–Z, a–z, 0–9, "_" and "-"`,
    );
  }
  return value;
}
