import {
  type AgentDB,
  cursorOf,
  type Trace,
  type TraceType,
  typeName,
  type Value,
} from '@agentdb/primitives';
import type { TraceDetail, TraceEssentials, TracePage, TraceRow, ValueText } from './shared/api-types.js';
import { clip, FULL_CHARS, valueLine, valueText } from './value-text.js';

/** What a tree line shows of each trace type: the essentials, cut to a preview. */
function essentials(t: TraceType): TraceEssentials {
  switch (t.type) {
    case 'tool_call': {
      const e: TraceEssentials = {
        kind: 'tool_call',
        toolName: t.toolName,
        arguments: valueLine(t.arguments),
      };
      if (t.result !== undefined) e.result = valueLine(t.result);
      if (t.durationMs !== undefined) e.durationMs = t.durationMs;
      return e;
    }
    case 'decision': {
      const e: TraceEssentials = {
        kind: 'decision',
        question: clip(t.question),
        chosen: clip(t.chosen),
        options: t.options.map((o) => clip(o)),
      };
      if (t.reasoning !== undefined) e.reasoning = clip(t.reasoning);
      return e;
    }
    case 'query': {
      const e: TraceEssentials = { kind: 'query', queryType: t.queryType, query: clip(t.query) };
      if (t.resultsCount !== undefined) e.resultsCount = t.resultsCount;
      return e;
    }
    case 'thought': {
      const e: TraceEssentials = { kind: 'thought', content: clip(t.content) };
      if (t.confidence !== undefined) e.confidence = t.confidence;
      return e;
    }
    case 'error':
      return { kind: 'error', errorType: t.errorType, message: clip(t.message), recoverable: t.recoverable };
    case 'custom':
      return { kind: 'custom', name: t.name, data: valueLine(t.data) };
  }
}

async function traceRow(db: AgentDB, runId: string, t: Trace): Promise<TraceRow> {
  // One read of at most one index entry: whether the line gets an expand arrow.
  const children = await db.traces.getChildren(runId, t.id, { limit: 1 });
  const row: TraceRow = {
    id: t.id,
    typeName: typeName(t.traceType),
    timestamp: t.timestamp,
    tags: t.tags,
    essentials: essentials(t.traceType),
    hasChildren: children.length > 0,
  };
  if (t.parentId !== undefined) row.parentId = t.parentId;
  return row;
}

/**
 * One page of a tree level: the run's root traces (`parentId` undefined) or the children of
 * `parentId`, in (timestamp, id) order, through the trace store's root and parent indices, so a page
 * reads O(limit) entries however many traces the run holds.
 *
 * @example
 * const roots = await tracePage(db, 'triage-1', undefined, { limit: 200 });
 * const kids = await tracePage(db, 'triage-1', roots.traces[0].id, { limit: 200 });
 */
export async function tracePage(
  db: AgentDB,
  runId: string,
  parentId: string | undefined,
  page: { limit: number; after?: string },
): Promise<TracePage> {
  const opts = { limit: page.limit + 1, ...(page.after === undefined ? {} : { after: page.after }) };
  const found =
    parentId === undefined
      ? await db.traces.getRoots(runId, opts)
      : await db.traces.getChildren(runId, parentId, opts);
  const shown = found.slice(0, page.limit);
  const out: TracePage = { traces: await Promise.all(shown.map((t) => traceRow(db, runId, t))) };
  if (found.length > page.limit) out.next = cursorOf(shown.at(-1)!);
  return out;
}

/** Every field of a trace type, in its documented order, rendered in full. */
function fieldsOf(t: TraceType): { name: string; value: ValueText }[] {
  // Every field of every trace type but the `type` tag is a stored Value.
  return Object.entries(t as unknown as Record<string, Value>)
    .filter(([name]) => name !== 'type')
    .map(([name, v]) => ({ name, value: valueText(v, FULL_CHARS) }));
}

/**
 * One trace with every field and its metadata, or `undefined` if the run has no such trace.
 *
 * @example
 * const detail = await traceDetail(db, 'triage-1', 'call-1');
 */
export async function traceDetail(db: AgentDB, runId: string, id: string): Promise<TraceDetail | undefined> {
  const t = await db.traces.get(runId, id);
  if (t === undefined) return undefined;
  return {
    row: await traceRow(db, runId, t),
    fields: fieldsOf(t.traceType),
    metadata: valueText(t.metadata, FULL_CHARS),
  };
}
