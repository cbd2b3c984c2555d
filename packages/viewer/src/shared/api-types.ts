/**
 * The JSON the viewer's server sends and its page reads: one definition for both sides (the page
 * imports these as types only, so nothing of this file runs in the browser).
 *
 * Stored values (`Value`: bigints, bytes, dates, -0, NaN …) never travel as JSON values: the server
 * renders them to text (`ValueText`), so the page shows exactly what is stored and never guesses.
 */

/** The statuses of the run index, in the order the filter lists them. */
export type RunStatusName = 'active' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'archived';

/** A stored value rendered for people: one line (cut to a preview length) and, when asked, in full. */
export interface ValueText {
  /** One line, at most the preview length (`…` marks a cut). */
  line: string;
  /** The whole value, indented over several lines; only in detail responses. */
  full?: string;
}

/** How many entries a run holds in each primitive. */
export interface RunCounts {
  /** Live KV keys (expired ones do not count); at most `COUNT_CAP`, then `kvMore` is set. */
  kv: number;
  kvMore: boolean;
  events: number;
  /** State cells. */
  state: number;
  traces: number;
}

/** A run as the runs list and run page show it. */
export interface RunRow {
  runId: string;
  name?: string;
  status: RunStatusName;
  parentRunId?: string;
  createdAt: number;
  updatedAt: number;
  completedAt?: number;
  tags: string[];
  error?: string;
  counts: RunCounts;
  /** Child runs (at most `COUNT_CAP`, then `childrenMore`). */
  children: number;
  childrenMore: boolean;
}

/** GET /api/runs: one page of runs. */
export interface RunsPage {
  runs: RunRow[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
  /** Every run in the run index (not only those matching the filter). */
  total: number;
  /** The database's latest commit version when the page was read. */
  version: number;
}

/** GET /api/runs/:id: a run's record (if it has one), counts and children. */
export interface RunDetail {
  runId: string;
  /** Absent for a run id that holds data but has no run-index record. */
  run?: RunRow & { metadata: ValueText };
  counts: RunCounts;
  children: RunRow[];
  version: number;
}

/** The essentials of a trace, per trace type; value fields are rendered as one line. */
export type TraceEssentials =
  | { kind: 'tool_call'; toolName: string; arguments: string; result?: string; durationMs?: number }
  | { kind: 'decision'; question: string; chosen: string; options: string[]; reasoning?: string }
  | { kind: 'query'; queryType: string; query: string; resultsCount?: number }
  | { kind: 'thought'; content: string; confidence?: number }
  | { kind: 'error'; errorType: string; message: string; recoverable: boolean }
  | { kind: 'custom'; name: string; data: string };

/** One line of the trace tree. */
export interface TraceRow {
  id: string;
  parentId?: string;
  /** The trace type's name (`tool_call`, … or a custom trace's name). */
  typeName: string;
  timestamp: number;
  tags: string[];
  essentials: TraceEssentials;
  /** Whether the trace has child traces (they are loaded when it is expanded). */
  hasChildren: boolean;
}

/** GET /api/runs/:id/traces (roots) and …/traces/:trace/children: one page of a tree level. */
export interface TracePage {
  traces: TraceRow[];
  next?: string;
}

/** GET /api/runs/:id/traces/:trace: every field of one trace. */
export interface TraceDetail {
  row: TraceRow;
  /** The trace type's fields, in order, each rendered in full. */
  fields: { name: string; value: ValueText }[];
  metadata: ValueText;
}

/** One event of the timeline. */
export interface EventRow {
  sequence: number;
  /** Absent when the stored event cannot be read (`error` says why). */
  eventType?: string;
  timestamp?: number;
  payload?: ValueText;
  hash?: string;
  prevHash?: string;
  error?: string;
}

/** GET /api/runs/:id/events?start&limit: one page of the timeline. */
export interface EventsPage {
  events: EventRow[];
  /** The log's length when the page was read. */
  length: number;
  start: number;
}

/** GET /api/runs/:id/verify: the outcome of verifying the run's hash chain. */
export interface ChainResult {
  valid: boolean;
  /** Events verified intact from sequence 0. */
  length: number;
  firstInvalid?: number;
  error?: string;
}

/** One KV entry. */
export interface KvRow {
  key: string;
  value: ValueText;
  /** Absolute expiry (ms since the epoch) for an entry written with a TTL. */
  expiresAt?: number;
}

/** GET /api/runs/:id/kv: one page of KV entries in key order. */
export interface KvPage {
  entries: KvRow[];
  next?: string;
}

/** One state cell. */
export interface StateRow {
  name: string;
  version: number;
  updatedAt: number;
  value: ValueText;
}

/** GET /api/runs/:id/state: the run's state cells. */
export interface StatePage {
  cells: StateRow[];
}

/** A message of the live feed (GET /api/changes, server-sent events, event name `commit`). */
export interface ChangeMessage {
  version: number;
  /** Runs whose data (KV, events, state, traces …) the commit wrote. */
  runIds: string[];
  /** Whether the commit wrote the run index (a run created, its status, tags or metadata changed). */
  runIndex: boolean;
}

/** The body of every error response. */
export interface ErrorBody {
  error: string;
  code: 'NOT_FOUND' | 'BAD_REQUEST' | 'INTERNAL';
}
