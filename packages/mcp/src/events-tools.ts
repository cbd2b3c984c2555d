import { z } from 'zod';
import { DEFAULT_PAGE, limitSchema } from './paging.js';
import { defineTool } from './tool.js';
import { eventSchema, eventToWire } from './wire-event.js';
import { runIdSchema } from './wire-run.js';
import { valueFromWire, valueSchema } from './wire-value.js';
import { defineWriteOp } from './write-op.js';

const eventTypeSchema = z
  .string()
  .min(1)
  .max(256)
  .describe('What kind of event: 1–256 characters, e.g. "tool_call"');
const sequenceSchema = z.number().int().min(0);

/** `events_append`: add an event to a run's hash-chained log. */
export const eventsAppend = defineWriteOp({
  name: 'events_append',
  title: 'Append to the audit log',
  description:
    "Appends an event to a run's append-only, hash-chained log and returns it with its sequence (0, 1, 2, … with no gaps) and hash. Events can never be changed or removed. With expected_sequence the append happens only if the event would get that sequence (VERSION_MISMATCH otherwise), so an agent can be sure nothing was logged in between.",
  args: {
    event_type: eventTypeSchema,
    payload: valueSchema('What happened'),
    expected_sequence: sequenceSchema
      .optional()
      .describe('Append only if the log has exactly this many events'),
  },
  output: { event: eventSchema },
  async apply(tx, { event_type, payload, expected_sequence }) {
    const opts = expected_sequence === undefined ? undefined : { expectedSequence: expected_sequence };
    // The event exists only after commit: keep the handle, read it then.
    const handle = tx.events.append(event_type, valueFromWire(payload, 'payload'), opts);
    return async () => ({ event: eventToWire(await handle) });
  },
  summary: (r, run) => `appended "${r.event.event_type}" to run ${run} at sequence ${r.event.sequence}`,
});

/** `events_read`: a range of a run's log. */
export const eventsRead = defineTool({
  name: 'events_read',
  title: 'Read the audit log',
  description:
    "Reads a run's events in order, from sequence start (default 0) up to but not including end, at most limit at a time; next_start is where the next page begins.",
  input: {
    run_id: runIdSchema,
    start: sequenceSchema.optional().describe('First sequence (default 0)'),
    end: sequenceSchema.optional().describe('Stop before this sequence (default: the end of the log)'),
    limit: limitSchema,
  },
  output: {
    events: z.array(eventSchema),
    length: z.number().describe('How many events the log holds'),
    next_start: z.number().optional().describe('There are more: call again with start set to this'),
  },
  access: 'read',
  async run({ run_id, start = 0, end, limit = DEFAULT_PAGE }, { db }) {
    const stop = Math.min(end ?? Number.MAX_SAFE_INTEGER, start + limit);
    const [events, length] = await Promise.all([
      db.events.readRange(run_id, start, stop),
      db.events.len(run_id),
    ]);
    const next = start + events.length;
    const more = events.length === stop - start && next < Math.min(end ?? length, length);
    return { events: events.map(eventToWire), length, ...(more ? { next_start: next } : {}) };
  },
  summary: (r, a) => `${r.events.length} event(s) of run ${a.run_id} (log length ${r.length})`,
});

/** `events_read_by_type`: every event of one type. */
export const eventsReadByType = defineTool({
  name: 'events_read_by_type',
  title: 'Find events by type',
  description:
    "Reads every event of one type from a run's log, in order (through an index: cost grows with the matches).",
  input: { run_id: runIdSchema, event_type: eventTypeSchema },
  output: { events: z.array(eventSchema) },
  access: 'read',
  async run({ run_id, event_type }, { db }) {
    return { events: (await db.events.readByType(run_id, event_type)).map(eventToWire) };
  },
  summary: (r, a) => `${r.events.length} "${a.event_type}" event(s) in run ${a.run_id}`,
});

/** `events_head`: the last event and the log's length. */
export const eventsHead = defineTool({
  name: 'events_head',
  title: 'Latest event',
  description:
    "Returns how many events a run's log holds and the last one. The next append gets sequence = length; pass it as expected_sequence to append only if nothing else was logged meanwhile.",
  input: { run_id: runIdSchema },
  output: {
    length: z.number(),
    head: eventSchema.optional().describe('The last event; absent for an empty log'),
  },
  access: 'read',
  async run({ run_id }, { db }) {
    const head = await db.events.head(run_id);
    return head === undefined ? { length: 0 } : { length: head.sequence + 1, head: eventToWire(head) };
  },
  summary: (r, a) => `run ${a.run_id} has ${r.length} event(s)`,
});

/** `events_verify`: recompute a run's hash chain. */
export const eventsVerify = defineTool({
  name: 'events_verify',
  title: 'Verify the audit log',
  description:
    "Recomputes a run's hash chain from the stored bytes. valid is true when no event was altered, removed or reordered; otherwise first_invalid is the first broken sequence and error says what is wrong.",
  input: { run_id: runIdSchema },
  output: {
    valid: z.boolean(),
    length: z.number().describe('How many events verified intact from sequence 0'),
    first_invalid: z.number().optional(),
    error: z.string().optional(),
  },
  access: 'read',
  async run({ run_id }, { db }) {
    const v = await db.events.verifyChain(run_id);
    return {
      valid: v.valid,
      length: v.length,
      ...(v.firstInvalid === undefined ? {} : { first_invalid: v.firstInvalid }),
      ...(v.error === undefined ? {} : { error: v.error }),
    };
  },
  summary: (r, a) =>
    r.valid
      ? `the chain of run ${a.run_id} verifies: ${r.length} event(s) intact`
      : `the chain of run ${a.run_id} is BROKEN at sequence ${r.first_invalid}: ${r.error}`,
});
