/**
 * A short description of an unexpected argument for error messages: strings quoted and cut at 80
 * characters, objects by their kind. It never throws, even on a hostile object (a throwing getter or
 * proxy trap), since it runs while an error is being reported.
 *
 * @example
 * describe('x'.repeat(100)); // '"xxxx…"' (80 characters and an ellipsis)
 * describe(new Map()); // 'an object (Map)'
 */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 80 ? `${v.slice(0, 80)}…` : v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (v === null || typeof v !== 'object') return String(v);
  try {
    if (Array.isArray(v)) return 'an array';
    return `an object (${v.constructor?.name ?? 'null prototype'})`;
  } catch {
    return 'an object that cannot be inspected';
  }
}
