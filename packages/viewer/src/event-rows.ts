import { type AgentDB, type Event, isAgentDBError } from '@agentdb/primitives';
import type { ChainResult, EventRow, EventsPage } from './shared/api-types.js';
import { FULL_CHARS, valueText } from './value-text.js';

function eventRow(e: Event, full: boolean): EventRow {
  return {
    sequence: e.sequence,
    eventType: e.eventType,
    timestamp: e.timestamp,
    payload: valueText(e.payload, full ? FULL_CHARS : undefined),
    hash: e.hash,
    prevHash: e.prevHash,
  };
}

/** One event, or a row saying why it cannot be shown (missing, or its stored record is corrupt). */
async function readOne(db: AgentDB, runId: string, sequence: number, full: boolean): Promise<EventRow> {
  try {
    const e = await db.events.read(runId, sequence);
    return e === undefined
      ? { sequence, error: 'missing: no event is stored at this sequence' }
      : eventRow(e, full);
  } catch (error) {
    if (isAgentDBError(error, 'CORRUPTION')) return { sequence, error: error.message };
    throw error;
  }
}

/**
 * Events `[start, start + limit)` of the run's log (fewer at its end), read as one range: O(limit)
 * whatever the log's length. A page holding an unreadable (tampered) record is read event by event,
 * so every other event still shows and the bad one says what is wrong.
 *
 * @example
 * const page = await eventsPage(db, 'triage-1', 0, 100);
 */
export async function eventsPage(
  db: AgentDB,
  runId: string,
  start: number,
  limit: number,
): Promise<EventsPage> {
  const length = await db.events.len(runId);
  const end = Math.min(length, start + limit);
  if (start >= end) return { events: [], length, start };
  try {
    const events = await db.events.readRange(runId, start, end);
    return { events: events.map((e) => eventRow(e, false)), length, start };
  } catch (error) {
    if (!isAgentDBError(error, 'CORRUPTION')) throw error;
    const rows: EventRow[] = [];
    for (let s = start; s < end; s++) rows.push(await readOne(db, runId, s, false));
    return { events: rows, length, start };
  }
}

/**
 * One event with its payload in full, or `undefined` past the end of the log.
 *
 * @example
 * const e = await eventDetail(db, 'triage-1', 3);
 */
export async function eventDetail(
  db: AgentDB,
  runId: string,
  sequence: number,
): Promise<EventRow | undefined> {
  if (sequence >= (await db.events.len(runId))) return undefined;
  return readOne(db, runId, sequence, true);
}

/**
 * Recomputes the run's hash chain (one streaming pass over the log) and says whether it is intact,
 * or where it first breaks.
 *
 * @example
 * await verifyRun(db, 'triage-1'); // { valid: true, length: 12 }
 */
export async function verifyRun(db: AgentDB, runId: string): Promise<ChainResult> {
  const v = await db.events.verifyChain(runId);
  const out: ChainResult = { valid: v.valid, length: v.length };
  if (v.firstInvalid !== undefined) out.firstInvalid = v.firstInvalid;
  if (v.error !== undefined) out.error = v.error;
  return out;
}
