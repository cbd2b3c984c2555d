import {
  checkOptions,
  checkPositiveInt,
  compareKeys,
  describe,
  invalidArgument,
  type KeyRange,
  keySuccessor,
} from '@agentdb/core';
import type { Trace } from './trace.js';
import { type IndexPrefix, indexKey } from './trace-keys.js';

/**
 * Paging for every list and query method. Results are in (timestamp, id) order; `limit` caps a page
 * and `after` resumes strictly after a position. The position of a trace is `cursorOf(trace)`, so the
 * next page starts `after: cursorOf(page.at(-1)!)`. A page shorter than `limit` is the last one.
 */
export interface PageOptions {
  /** At most this many traces (a positive integer). Default: all. */
  limit?: number;
  /** A cursor from `cursorOf(trace)`: return only traces after that (timestamp, id) position. */
  after?: string;
}

/** A position in (timestamp, id) order. */
export interface Position {
  timestamp: number;
  id: string;
}

/** A checked page request. */
export interface Page {
  limit: number;
  after: Position | undefined;
}

// `${timestamp}.${id}`: ids never contain '.', so the split is unambiguous. Callers treat it as opaque.
const CURSOR = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/;

/**
 * The cursor of a trace: pass it as `after` to continue a listing right after this trace. It encodes
 * only the trace's (timestamp, id), so it resumes any listing (they all share that order).
 *
 * @example
 * const first = await traces.list(run, { limit: 100 });
 * const next = await traces.list(run, { limit: 100, after: cursorOf(first.at(-1)!) });
 */
export function cursorOf(trace: Pick<Trace, 'timestamp' | 'id'>): string {
  return `${trace.timestamp}.${trace.id}`;
}

function parseCursor(cursor: unknown): Position {
  const m = typeof cursor === 'string' ? CURSOR.exec(cursor) : null;
  const timestamp = m === null ? Number.NaN : Number(m[1]);
  if (m === null || !Number.isSafeInteger(timestamp)) {
    throw invalidArgument(`after must be a cursor from cursorOf(trace), got ${describe(cursor)}`);
  }
  return { timestamp, id: m[2]! };
}

/** Validates page options (known names only, read once). */
export function checkPage(opts: unknown): Page {
  if (opts === undefined) return { limit: Number.POSITIVE_INFINITY, after: undefined };
  const { limit, after } = checkOptions(opts, ['limit', 'after'], 'page');
  return {
    limit: limit === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt(limit, 'limit'),
    after: after === undefined ? undefined : parseCursor(after),
  };
}

/** Narrows an index range to what comes after the page's cursor. */
export function afterCursor(range: KeyRange, runId: string, prefix: IndexPrefix, page: Page): KeyRange {
  if (page.after === undefined) return range;
  const resume = keySuccessor(indexKey(runId, prefix, page.after.timestamp, page.after.id));
  return compareKeys(resume, range.start) > 0 ? { start: resume, end: range.end } : range;
}
