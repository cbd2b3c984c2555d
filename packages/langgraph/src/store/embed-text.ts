import { invalidArgument } from '@agentdb/primitives';

/**
 * The texts a field path selects in an item's value, the texts that get embedded. Paths, as LangGraph
 * documents them: `$` (the whole value), `a.b.c` (nested fields), `a[0]`, `a[-1]` (one element),
 * `a[*].b` (every element). A string is its own text, a number or boolean its `String`, an object or
 * array its pretty JSON (as LangGraph's stores do); missing fields and `null` give nothing.
 *
 * @example
 * textsAtPath({ title: 'A', chapters: [{ text: 'x' }, { text: 'y' }] }, 'chapters[*].text'); // ['x', 'y']
 */
export function textsAtPath(value: unknown, path: string): string[] {
  if (path === '$') return [JSON.stringify(value, null, 2)];
  return collect(value, tokenize(path), 0);
}

/** Splits `a.b[0][*].c` into `['a', 'b', '[0]', '[*]', 'c']`; `INVALID_ARGUMENT` for a malformed path. */
export function tokenize(path: string): string[] {
  if (typeof path !== 'string' || path.length === 0)
    throw invalidArgument('an index field must be a non-empty string');
  const tokens: string[] = [];
  for (const segment of path.split('.')) {
    const m = /^([^[\]]*)((?:\[(?:\*|-?\d+)\])*)$/.exec(segment);
    if (m === null || (m[1] === '' && m[2] === ''))
      throw invalidArgument(`index field ${JSON.stringify(path)} is malformed`);
    if (m[1] !== '') tokens.push(m[1]!);
    for (const index of m[2]!.match(/\[[^\]]*\]/g) ?? []) tokens.push(index);
  }
  return tokens;
}

function leaf(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return [String(v)];
  if (v !== null && typeof v === 'object') return [JSON.stringify(v, null, 2)];
  return [];
}

function collect(v: unknown, tokens: string[], at: number): string[] {
  if (at === tokens.length) return leaf(v);
  const token = tokens[at]!;
  if (token.startsWith('[')) {
    if (!Array.isArray(v)) return [];
    const index = token.slice(1, -1);
    if (index === '*') return v.flatMap((x) => collect(x, tokens, at + 1));
    const i = Number(index) < 0 ? v.length + Number(index) : Number(index);
    return i >= 0 && i < v.length ? collect(v[i], tokens, at + 1) : [];
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, token)) return [];
  return collect((v as Record<string, unknown>)[token], tokens, at + 1);
}
