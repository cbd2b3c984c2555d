/**
 * Hostile inputs for bad-input tables, shared by every package's tests (exported as
 * `@agentdb/core/testing`). Each builder makes a fresh input, because most of them change their
 * answer as they are read: a package that reads an input twice (check, then store) is caught storing
 * something it never checked.
 */

/**
 * An object whose field `name` answers `first` on its first read and `later` on every read after.
 *
 * @example
 * const v = flipping('a', 1, undefined); // checked as { a: 1 }; a second read sees { a: undefined }
 */
export function flipping(name: string, first: unknown, later: unknown): Record<string, unknown> {
  let reads = 0;
  return Object.defineProperty({}, name, {
    enumerable: true,
    get: () => (reads++ === 0 ? first : later),
  });
}

/**
 * A proxy over a copy of `fields` whose reads of `name` answer `first`, then `later`: like `flipping`,
 * but through a proxy's `get` trap, with `ownKeys`/`getOwnPropertyDescriptor` answering honestly.
 *
 * @example
 * const opts = shiftingProxy({ id: 'ok' }, 'id', 'ok', 12345);
 */
export function shiftingProxy(
  fields: Record<string, unknown>,
  name: string,
  first: unknown,
  later: unknown,
): Record<string, unknown> {
  let reads = 0;
  return new Proxy(
    { ...fields, [name]: first },
    {
      get: (target, key, receiver) =>
        key === name ? (reads++ === 0 ? first : later) : Reflect.get(target, key, receiver),
    },
  );
}

/**
 * A `Map` holding `fields` whose prototype was swapped for `Object.prototype`: it passes for a plain
 * object with no fields of its own.
 *
 * @example
 * const opts = mapInDisguise({ ttlMs: 5 });
 */
export function mapInDisguise(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.setPrototypeOf(new Map(Object.entries(fields)), Object.prototype) as Record<string, unknown>;
}

/**
 * A class instance behind a proxy that claims `Object.prototype` as its prototype.
 *
 * @example
 * const v = classInDisguise({ a: 1 }); // reads as { a: 1 }, a `Secret` underneath
 */
export function classInDisguise(fields: Record<string, unknown>): Record<string, unknown> {
  class Secret {}
  return new Proxy(Object.assign(new Secret(), fields), {
    getPrototypeOf: () => Object.prototype,
  }) as Record<string, unknown>;
}

/**
 * An object whose field `name` throws when read.
 *
 * @example
 * const v = throwingGetter('a'); // reading v.a throws Error('hostile getter')
 */
export function throwingGetter(name: string): Record<string, unknown> {
  return Object.defineProperty({}, name, {
    enumerable: true,
    get: () => {
      throw new Error('hostile getter');
    },
  });
}

/** What storing a hostile value must do: refuse it, or store exactly what its first reads said. */
export type HostileOutcome = { refused: 'INVALID_VALUE' } | { stored: unknown };

/**
 * Values that change as they are read, or are not what they seem, with what a write of each must
 * do. A store that validates one read and encodes another fails these.
 *
 * @example
 * // In a test: it.each(hostileValues())('put of %s', async (_name, make, outcome) => …) through your API.
 * for (const [name, make, outcome] of hostileValues()) {
 *   let got: HostileOutcome;
 *   try {
 *     got = { stored: snapshotValue(make()) }; // what the engine stores: one read, one plain copy
 *   } catch (e) {
 *     got = { refused: 'INVALID_VALUE' };
 *   }
 *   expect(got, name).toEqual(outcome);
 * }
 */
export function hostileValues(): [string, () => unknown, HostileOutcome][] {
  return [
    ['a getter: 1, then undefined', () => flipping('a', 1, undefined), { stored: { a: 1 } }],
    ['a getter: 1, then a function', () => flipping('a', 1, () => 1), { stored: { a: 1 } }],
    ['a getter: 1, then a Map', () => flipping('a', 1, new Map([['x', 1]])), { stored: { a: 1 } }],
    ['a getter: undefined, then 1', () => flipping('a', undefined, 1), { refused: 'INVALID_VALUE' }],
    ['a getter: a function, then 1', () => flipping('a', () => 1, 1), { refused: 'INVALID_VALUE' }],
    [
      'a proxy: 1, then a class instance',
      () => shiftingProxy({}, 'a', 1, new (class K {})()),
      { stored: { a: 1 } },
    ],
    ['a proxy: a symbol, then 1', () => shiftingProxy({}, 'a', Symbol('s'), 1), { refused: 'INVALID_VALUE' }],
    ['a Map in disguise', () => ({ m: mapInDisguise({ x: 1 }) }), { stored: { m: {} } }],
    ['a class instance in disguise', () => classInDisguise({ a: 1 }), { stored: { a: 1 } }],
    ['a getter that throws', () => throwingGetter('a'), { refused: 'INVALID_VALUE' }],
    ['a fake Date', () => ({ d: Object.create(Date.prototype) }), { refused: 'INVALID_VALUE' }],
    ['a fake Uint8Array', () => ({ b: Object.create(Uint8Array.prototype) }), { refused: 'INVALID_VALUE' }],
    ['a lone surrogate in a string', () => ({ s: 'x\ud800' }), { refused: 'INVALID_VALUE' }],
    ['a lone surrogate in a key', () => ({ ['k\udc00']: 1 }), { refused: 'INVALID_VALUE' }],
  ];
}

/**
 * Options objects that must be refused with `INVALID_ARGUMENT` by a method whose valid options
 * include `valid`: each misspelt name (`misspelt` maps a wrong name to its right one), the same fields
 * in a `Map` or a class instance, a getter that throws, and not an object at all.
 *
 * @example
 * // In a test: it.each(badOptions(…))('put with %s', async (_name, opts) => …) through your API.
 * for (const [name, opts] of badOptions({ ttlMs: 1000 }, { ttl: 'ttlMs' })) {
 *   expect(() => checkOptions(opts, ['ttlMs'], 'put'), name).toThrow(/INVALID_ARGUMENT/);
 * }
 */
export function badOptions(
  valid: Record<string, unknown>,
  misspelt: Record<string, string>,
): [string, unknown][] {
  class Options {}
  const out: [string, unknown][] = Object.entries(misspelt).map(([wrong, right]) => [
    `"${wrong}" for "${right}"`,
    { [wrong]: valid[right] ?? 1 },
  ]);
  out.push(
    ['a Map', new Map(Object.entries(valid))],
    ['a class instance', Object.assign(new Options(), valid)],
    ['a string', 'options'],
    ['an array', [valid]],
    ['null', null],
    ['a number', 1],
    ['a getter that throws', throwingGetter(Object.keys(valid)[0] ?? 'x')],
  );
  return out;
}

/*
 * Bad-input tables: the inputs every package's tests try, so each method is refused the same way.
 * Each builder returns fresh `[description, input]` rows (for `it.each`).
 */

/** Run ids every method must refuse with `INVALID_ARGUMENT`: anything but 1–64 of `[A-Za-z0-9_-]`. */
export function badRunIds(): [string, unknown][] {
  return [
    ['empty', ''],
    ['65 characters', 'r'.repeat(65)],
    ['a space', 'run 1'],
    ['a slash', 'run/1'],
    ['a dot path', '../etc'],
    ['a dot', 'a.b'],
    ['non-ASCII', 'rün'],
    ['a NUL', 'run\u0000'],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an array', ['run']],
    ['an object', { runId: 'run' }],
  ];
}

/**
 * Key strings (KV keys, cell names, tags, queue names, type names) every method must refuse with
 * `INVALID_ARGUMENT`: empty, over 512 UTF-8 bytes, U+0000–U+0004, a lone surrogate, not a string.
 */
export function badKeyStrings(): [string, unknown][] {
  return [
    ['empty', ''],
    ['513 ASCII bytes', 'k'.repeat(513)],
    ['514 UTF-8 bytes in 257 characters', 'é'.repeat(257)],
    ['a NUL', 'a\u0000b'],
    ['U+0004', '\u0004'],
    ['a lone surrogate', 'a\ud800'],
    ['a number', 7],
    ['undefined', undefined],
    ['null', null],
    ['an object', { key: 'k' }],
  ];
}

/**
 * Values every write must refuse with `INVALID_VALUE`, each with the path the error must name below
 * the argument (`''` for the argument itself, `.steps[1]` for a field inside it).
 */
export function badValues(): [string, unknown, string][] {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  const sparse: unknown[] = [1];
  sparse[2] = 3; // index 1 is a hole
  return [
    ['undefined', undefined, ''],
    ['a function deep inside', { steps: [1, () => 1] }, '.steps[1]'],
    ['a symbol', { s: Symbol('x') }, '.s'],
    ['an undefined field', { plan: undefined }, '.plan'],
    ['a cycle', cycle, '.self'],
    ['a Map', { m: new Map([[1, 2]]) }, '.m'],
    ['a class instance', { at: new (class Point {})() }, '.at'],
    ['an invalid Date', { when: new Date(Number.NaN) }, '.when'],
    ['a sparse array', sparse, '[1]'],
  ];
}

/** Counts and limits every method must refuse with `INVALID_ARGUMENT` where a positive integer is due. */
export function badPositiveInts(): [string, unknown][] {
  return [...badNonNegativeInts(), ['zero', 0]];
}

/** Sequences, versions and offsets every method must refuse where a non-negative integer is due. */
export function badNonNegativeInts(): [string, unknown][] {
  return [
    ['negative', -1],
    ['fractional', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['beyond 2^53', 2 ** 53],
    ['a string', '1'],
    ['null', null],
    ['a bigint', 1n],
  ];
}
