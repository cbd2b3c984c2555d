import { cursorOf, type Trace } from '@agentdb/primitives';

/** How many records a listing reads per query while it streams. */
export const PAGE_SIZE = 500;

/**
 * At most `limit` items of `items` (all of them when `limit` is undefined); stops the source as soon
 * as the limit is reached, so a limited listing reads no further than it prints.
 *
 * @example
 * for await (const e of limited(db.events.iter(run), 10)) out.line(String(e.sequence));
 */
export async function* limited<T>(items: AsyncIterable<T>, limit: number | undefined): AsyncGenerator<T> {
  if (limit === undefined) return yield* items;
  if (limit <= 0) return;
  let n = 0;
  for await (const item of items) {
    yield item;
    if (++n >= limit) return;
  }
}

/**
 * Every trace a paged trace query returns, one page of PAGE_SIZE at a time (`cursorOf` the last
 * trace of a page is where the next one starts).
 *
 * @example
 * for await (const t of tracePages((page) => db.traces.list(run, page))) …
 */
export async function* tracePages(
  query: (page: { limit: number; after?: string }) => Promise<Trace[]>,
): AsyncGenerator<Trace> {
  let after: string | undefined;
  for (;;) {
    const page = await query(after === undefined ? { limit: PAGE_SIZE } : { limit: PAGE_SIZE, after });
    yield* page;
    const last = page.at(-1);
    if (page.length < PAGE_SIZE || last === undefined) return;
    after = cursorOf(last);
  }
}
