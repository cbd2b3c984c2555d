import { z } from 'zod';

/** The most items one page of a listing returns. */
export const MAX_PAGE = 1000;
/** Items per page when the caller does not say. */
export const DEFAULT_PAGE = 100;

/** The `limit` argument of every paged listing. */
export const limitSchema = z
  .number()
  .int()
  .min(1)
  .max(MAX_PAGE)
  .optional()
  .describe(`At most this many items (1–${MAX_PAGE}, default ${DEFAULT_PAGE})`);

/** The `after` argument of every paged listing. */
export const afterSchema = z
  .string()
  .optional()
  .describe('Continue a listing: pass the next_after of the previous page');

/** The `next_after` result of every paged listing. */
export const nextAfterSchema = z
  .string()
  .optional()
  .describe('There may be more: call again with after set to this. Absent on the last page.');

/**
 * `{ next_after }` for a page that came back full (there may be more), `{}` otherwise.
 *
 * @example
 * const keys = await db.kv.list('run-1', { limit: 2 });
 * const page = { keys, ...nextAfter(keys, 2, (k) => k) }; // next_after: the last key, when the page is full
 */
export function nextAfter<T>(
  page: readonly T[],
  limit: number,
  cursor: (last: T) => string,
): { next_after?: string } {
  const last = page.at(-1);
  return page.length >= limit && last !== undefined ? { next_after: cursor(last) } : {};
}
