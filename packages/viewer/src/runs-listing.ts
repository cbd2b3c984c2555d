import { type AgentDB, invalidArgument, type RunMetadata, type RunQuery } from '@agentdb/primitives';
import { runRow } from './run-rows.js';
import type { RunStatusName, RunsPage } from './shared/api-types.js';

/** What the runs page asks for. */
export interface RunsRequest {
  status?: RunStatusName;
  tag?: string;
  /** Only the children of this run. */
  parent?: string;
  /** Case-insensitive text found in the run id or name. */
  search?: string;
  /** A cursor from a previous page's `next`. */
  after?: string;
  limit: number;
}

/** Runs read per step while searching (search has no index: it filters pages of the other filters). */
const SEARCH_BATCH = 500;

// `${createdAt}.${runId}`: run ids never contain '.', so the split is unambiguous.
const CURSOR = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/;

/** The cursor that resumes a listing right after `run`. @example runCursor(run) // '1700000000000.triage-1' */
export function runCursor(run: Pick<RunMetadata, 'createdAt' | 'runId'>): string {
  return `${run.createdAt}.${run.runId}`;
}

function parseCursor(cursor: string): { createdAt: number; runId: string } {
  const m = CURSOR.exec(cursor);
  if (m === null)
    throw invalidArgument(`after must be a cursor from a previous page, got ${JSON.stringify(cursor)}`);
  return { createdAt: Number(m[1]), runId: m[2]! };
}

/** Matches of `q` past `after`, at most `want` of them, reading the filtered runs page by page. */
async function searchRuns(db: AgentDB, q: RunQuery, search: string, want: number): Promise<RunMetadata[]> {
  const needle = search.toLowerCase();
  const matches = (r: RunMetadata) =>
    r.runId.toLowerCase().includes(needle) || (r.name?.toLowerCase().includes(needle) ?? false);
  const out: RunMetadata[] = [];
  let after = q.after;
  for (;;) {
    const batch = await db.runs.queryRuns({
      ...q,
      limit: SEARCH_BATCH,
      ...(after === undefined ? {} : { after }),
    });
    for (const r of batch) {
      if (matches(r)) out.push(r);
      if (out.length === want) return out;
    }
    if (batch.length < SEARCH_BATCH) return out;
    after = batch.at(-1)!;
  }
}

/**
 * One page of runs, oldest first (the run index's order), through its indices: status and tag
 * filters cost the matches, not the database. A search reads the runs the other filters select until
 * the page is full. Each row carries its counts and number of children.
 *
 * @example
 * const page = await listRuns(db, { status: 'failed', limit: 50 });
 * const more = await listRuns(db, { status: 'failed', limit: 50, after: page.next });
 */
export async function listRuns(db: AgentDB, req: RunsRequest): Promise<RunsPage> {
  const version = db.engine.stats().version;
  const q: RunQuery = {};
  if (req.status !== undefined) q.status = req.status;
  if (req.tag !== undefined) q.tag = req.tag;
  if (req.parent !== undefined) q.parentRunId = req.parent;
  if (req.after !== undefined) q.after = parseCursor(req.after);
  // One more than the page shows: whether it exists says if there is a next page.
  const found =
    req.search === undefined
      ? await db.runs.queryRuns({ ...q, limit: req.limit + 1 })
      : await searchRuns(db, q, req.search, req.limit + 1);
  const shown = found.slice(0, req.limit);
  const page: RunsPage = {
    runs: await Promise.all(shown.map((r) => runRow(db, r))),
    total: await db.runs.count(),
    version,
  };
  if (found.length > req.limit) page.next = runCursor(shown.at(-1)!);
  return page;
}
