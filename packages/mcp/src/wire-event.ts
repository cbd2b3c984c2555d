import type { Event } from '@agentdb/primitives';
import { z } from 'zod';
import type { TypedJson } from './typed-json.js';
import { valueSchema, valueToWire } from './wire-value.js';

/** An event as tools return it. */
export const eventSchema = z.object({
  sequence: z.number().describe('Position in the run’s log: 0, 1, 2, … with no gaps'),
  event_type: z.string(),
  payload: valueSchema('What happened'),
  timestamp: z.number().describe('ms since the epoch, at commit'),
  prev_hash: z.string().describe('The previous event’s hash (64 zeros for sequence 0)'),
  hash: z.string().describe('SHA-256 over this event and prev_hash, 64 hex characters'),
});

/** The wire form of `eventSchema`. */
export type WireEvent = z.infer<typeof eventSchema> & { payload: TypedJson };

/**
 * An event in snake_case with its payload in typed JSON.
 *
 * @example
 * eventToWire(await db.events.append(runId, 'note', 'hi')); // { sequence: 0, event_type: 'note', … }
 */
export function eventToWire(e: Event): WireEvent {
  return {
    sequence: e.sequence,
    event_type: e.eventType,
    payload: valueToWire(e.payload),
    timestamp: e.timestamp,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}
