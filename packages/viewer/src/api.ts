import { type AgentDB, AgentDBError, invalidArgument, isRunStatus, validateRunId } from '@agentdb/primitives';
import { eventDetail, eventsPage, verifyRun } from './event-rows.js';
import { kvPage } from './kv-rows.js';
import { readRunDetail } from './run-detail.js';
import { listRuns, type RunsRequest } from './runs-listing.js';
import { statePage } from './state-rows.js';
import { traceDetail, tracePage } from './trace-rows.js';

/** Page sizes: the default of each listing and the most one request may ask for. */
export const PAGE = { runs: 50, traces: 200, events: 100, kv: 100, max: 1000 } as const;

/** An integer query parameter in [min, max], or `fallback` when absent. */
function intParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = q.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw invalidArgument(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** A text query parameter; absent or empty means no filter. */
function textParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name)?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function notFound(what: string): AgentDBError {
  return new AgentDBError('NOT_FOUND', what);
}

function runsRequest(q: URLSearchParams): RunsRequest {
  const req: RunsRequest = { limit: intParam(q, 'limit', PAGE.runs, 1, PAGE.max) };
  const status = textParam(q, 'status');
  if (status !== undefined) {
    if (!isRunStatus(status))
      throw invalidArgument(`status must be a run status, got ${JSON.stringify(status)}`);
    req.status = status;
  }
  const tag = textParam(q, 'tag');
  if (tag !== undefined) req.tag = tag;
  const parent = textParam(q, 'parent');
  if (parent !== undefined) req.parent = parent;
  const search = textParam(q, 'q');
  if (search !== undefined) req.search = search;
  const after = textParam(q, 'after');
  if (after !== undefined) req.after = after;
  return req;
}

/** `validateRunId`, but a run id that cannot exist is a run that is not there. */
function checkRunId(runId: string): string {
  try {
    validateRunId(runId);
  } catch {
    throw notFound(`no run ${JSON.stringify(runId)}: not a valid run id`);
  }
  return runId;
}

function pageOf(q: URLSearchParams, size: number): { limit: number; after?: string } {
  const after = textParam(q, 'after');
  return { limit: intParam(q, 'limit', size, 1, PAGE.max), ...(after === undefined ? {} : { after }) };
}

/**
 * Answers one GET of the JSON API (the path after `/api`) with the body to send; throws
 * `AgentDBError` — `NOT_FOUND` for an unknown path, run, trace or event, `INVALID_ARGUMENT` for a bad
 * parameter. Every answer only reads the database.
 *
 * @example
 * await answer(db, ['runs'], new URLSearchParams('status=failed')); // RunsPage
 */
export async function answer(db: AgentDB, path: string[], q: URLSearchParams): Promise<unknown> {
  const [root, rawRun, section, item, sub] = path;
  if (root !== 'runs' || path.length > 5) throw notFound(`no API at /api/${path.join('/')}`);
  if (rawRun === undefined) return listRuns(db, runsRequest(q));
  const runId = checkRunId(rawRun);
  switch (section) {
    case undefined: {
      const detail = await readRunDetail(db, runId);
      if (detail === undefined) throw notFound(`no run ${JSON.stringify(runId)} in this database`);
      return detail;
    }
    case 'traces': {
      if (item === undefined) return tracePage(db, runId, undefined, pageOf(q, PAGE.traces));
      if (sub === 'children') return tracePage(db, runId, item, pageOf(q, PAGE.traces));
      if (sub !== undefined) break;
      const detail = await traceDetail(db, runId, item);
      if (detail === undefined) throw notFound(`no trace ${JSON.stringify(item)} in run ${runId}`);
      return detail;
    }
    case 'events': {
      if (item === undefined) {
        return eventsPage(
          db,
          runId,
          intParam(q, 'start', 0, 0, Number.MAX_SAFE_INTEGER),
          intParam(q, 'limit', PAGE.events, 1, PAGE.max),
        );
      }
      if (sub !== undefined || !/^\d+$/.test(item)) break;
      const detail = await eventDetail(db, runId, Number(item));
      if (detail === undefined) throw notFound(`no event ${item} in run ${runId}`);
      return detail;
    }
    case 'verify':
      if (item === undefined) return verifyRun(db, runId);
      break;
    case 'kv':
      if (item === undefined) return kvPage(db, runId, pageOf(q, PAGE.kv));
      break;
    case 'state':
      if (item === undefined) return statePage(db, runId);
      break;
  }
  throw notFound(`no API at /api/${path.join('/')}`);
}
