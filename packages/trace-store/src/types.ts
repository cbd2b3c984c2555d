import type { Value } from '@agentdb/core';

/**
 * What a trace records: one step of an agent's reasoning. A discriminated union on `type`; `custom`
 * carries any step the built-ins do not name.
 */
export type TraceType =
  | { type: 'tool_call'; toolName: string; arguments: Value; result?: Value; durationMs?: number }
  | { type: 'decision'; question: string; options: string[]; chosen: string; reasoning?: string }
  | { type: 'query'; queryType: string; query: string; resultsCount?: number }
  | { type: 'thought'; content: string; confidence?: number }
  | { type: 'error'; errorType: string; message: string; recoverable: boolean }
  | { type: 'custom'; name: string; data: Value };

/** The discriminants of `TraceType`, which are also the type names of the built-in variants. */
export const BUILTIN_TRACE_TYPES = ['tool_call', 'decision', 'query', 'thought', 'error', 'custom'] as const;

/** A discriminant of `TraceType`. */
export type BuiltinTraceTypeName = (typeof BUILTIN_TRACE_TYPES)[number];

/** One recorded step. Stored exactly in this shape (no `parentId` field on a root). */
export interface Trace {
  id: string;
  parentId?: string;
  traceType: TraceType;
  /** Integer ms since the epoch, from the database clock at `record`. */
  timestamp: number;
  tags: string[];
  metadata: Value;
}

/** A trace with its descendants, children in (timestamp, id) order. */
export interface TraceTree {
  trace: Trace;
  children: TraceTree[];
}

/** Options of `record`. */
export interface RecordOptions {
  /** Your own id (`[A-Za-z0-9_-]{1,64}`); default a fresh `newId()`. `ALREADY_EXISTS` if taken. */
  id?: string;
  /** The parent trace, which must exist in the same run (`NOT_FOUND` otherwise). */
  parentId?: string;
  /** Index tags: 1–512 UTF-8 bytes each, at most 256, duplicates dropped (first occurrence kept). */
  tags?: string[];
  /** Anything storable; default `{}`. */
  metadata?: Value;
}

/** Options of `recordChild`: those of `record` minus `parentId`, which is its own argument. */
export type RecordChildOptions = Omit<RecordOptions, 'parentId'>;

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
