import { createHash } from 'node:crypto';
import { decodeKey, type KeyPart, MAX_KEY_STRING_BYTES, TypeTag, type Value } from '@agentdb/core';
import type { Engine } from '@agentdb/engine';
import type { Event, RunMetadata, Trace } from '../index.js';

/**
 * A whole-store consistency checker, independent of the primitives' own code: it reads raw keys and
 * values and re-derives, from each record, every index entry the contracts say it must have.
 *
 * Both directions are checked for every index:
 * - every index entry points at an existing record whose fields put it exactly there (and holds the
 *   value queries read instead of the key);
 * - every record has all of its index entries;
 * and every counter equals the number of records it counts.
 *
 * Indices covered: the trace store's type/tag/time/child/root indices and counter, the event log's
 * type index and metadata (length, head), and the run index's status/created/tag/parent indices and
 * counter. Returns the problems found, each naming the run and the tuple (empty when consistent).
 */
export async function indexProblems(engine: Engine): Promise<string[]> {
  const problems: string[] = [];
  const perRun = new Map<string, RunKeys>();
  const system: { parts: KeyPart[]; value: Value }[] = [];

  // One walk over the whole store: every key decodes, and is sorted into its run and TypeTag.
  for await (const { key, value } of engine.scan({
    start: new Uint8Array([0]),
    end: new Uint8Array([0xff]),
  })) {
    const { namespace, runId, tag, parts } = decodeKey(key);
    if (namespace === 'system') {
      if (tag === TypeTag.Run) system.push({ parts, value });
      else problems.push(`system key with tag ${tag}: ${show(parts)}`);
      continue;
    }
    let run = perRun.get(runId);
    if (run === undefined) {
      run = { traces: [], events: [] };
      perRun.set(runId, run);
    }
    if (tag === TypeTag.Trace) run.traces.push({ parts, value });
    else if (tag === TypeTag.Event) run.events.push({ parts, value });
  }

  for (const [runId, keys] of perRun) {
    checkTraces(runId, keys.traces, problems);
    checkEvents(runId, keys.events, problems);
  }
  checkRuns(system, problems);
  return problems;
}

interface Stored {
  parts: KeyPart[];
  value: Value;
}

interface RunKeys {
  traces: Stored[];
  events: Stored[];
}

const show = (parts: readonly unknown[]) => JSON.stringify(parts);

function checkTraces(runId: string, stored: Stored[], problems: string[]): void {
  const records = new Map<string, Trace>();
  const entries = new Map<string, Value>();
  let counter: Value | undefined;
  for (const { parts, value } of stored) {
    if (parts[0] === 't' && parts.length === 2) records.set(String(parts[1]), value as unknown as Trace);
    else if (parts[0] === 'count' && parts.length === 1) counter = value;
    else entries.set(show(parts), value);
  }

  const expected = new Map<string, string>();
  for (const [id, t] of records) {
    if (t.id !== id) problems.push(`trace run ${runId}: record ('t', ${id}) holds trace ${t.id}`);
    const at = [t.timestamp, t.id];
    const type = t.traceType.type === 'custom' ? t.traceType.name : t.traceType.type;
    const own: unknown[][] = [
      ['type', type, ...at],
      ['time', ...at],
      t.parentId === undefined ? ['root', ...at] : ['child', t.parentId, ...at],
    ];
    for (const tag of t.tags) own.push(['tag', tag, ...at]);
    for (const e of own) expected.set(show(e), t.id);
    if (t.parentId !== undefined && !records.has(t.parentId))
      problems.push(`trace run ${runId}: trace ${t.id} names a missing parent ${t.parentId}`);
  }
  for (const [e, id] of expected) {
    if (!entries.has(e)) problems.push(`trace run ${runId}: trace ${id} lacks index entry ${e}`);
    else if (entries.get(e) !== id)
      problems.push(`trace run ${runId}: index entry ${e} holds ${show([entries.get(e)])}, not ${id}`);
  }
  for (const e of entries.keys())
    if (!expected.has(e))
      problems.push(`trace run ${runId}: index entry ${e} points at no trace that belongs there`);
  if ((counter ?? 0) !== records.size)
    problems.push(`trace run ${runId}: counter ${String(counter)} but ${records.size} records`);
}

/** The type-index tuple prefix the event log uses for `eventType` (digest form past the key limit). */
function typePrefix(eventType: string): [string, string] {
  return Buffer.byteLength(eventType, 'utf8') <= MAX_KEY_STRING_BYTES
    ? ['by-type', eventType]
    : ['by-type-sha256', createHash('sha256').update(eventType, 'utf8').digest('hex')];
}

function checkEvents(runId: string, stored: Stored[], problems: string[]): void {
  const events = new Map<number, Event>();
  const entries = new Map<string, Value>();
  let meta: { length?: unknown; head?: unknown } | undefined;
  for (const { parts, value } of stored) {
    if (parts.length === 1 && typeof parts[0] === 'number') events.set(parts[0], value as unknown as Event);
    else if (parts.length === 1 && parts[0] === 'meta') meta = value as { length?: unknown; head?: unknown };
    else entries.set(show(parts), value);
  }
  const expected = new Map<string, number>();
  for (const [seq, e] of events) {
    if (e.sequence !== seq) problems.push(`event run ${runId}: record at ${seq} says sequence ${e.sequence}`);
    expected.set(show([...typePrefix(e.eventType), seq]), seq);
  }
  for (const [e, seq] of expected) {
    if (!entries.has(e)) problems.push(`event run ${runId}: event ${seq} lacks type-index entry ${e}`);
    else if (entries.get(e) !== seq)
      problems.push(`event run ${runId}: type-index entry ${e} holds ${show([entries.get(e)])}`);
  }
  for (const e of entries.keys())
    if (!expected.has(e))
      problems.push(`event run ${runId}: type-index entry ${e} points at no event of that type`);
  const top = events.size === 0 ? 0 : Math.max(...events.keys()) + 1;
  for (let seq = 0; seq < top; seq++)
    if (!events.has(seq)) problems.push(`event run ${runId}: sequence ${seq} missing (not contiguous)`);
  if (events.size > 0 || meta !== undefined) {
    if (meta?.length !== events.size)
      problems.push(`event run ${runId}: metadata length ${String(meta?.length)} but ${events.size} events`);
    const head = events.get(events.size - 1);
    if (head !== undefined && meta?.head !== head.hash)
      problems.push(`event run ${runId}: metadata head is not the hash of event ${head.sequence}`);
  }
}

function checkRuns(system: Stored[], problems: string[]): void {
  const records = new Map<string, RunMetadata>();
  const entries = new Map<string, Value>();
  let counter: Value | undefined;
  for (const { parts, value } of system) {
    if (parts[0] === 'record' && parts.length === 2)
      records.set(String(parts[1]), value as unknown as RunMetadata);
    else if (parts[0] === 'count' && parts.length === 1) counter = value;
    else entries.set(show(parts), value);
  }
  const expected = new Set<string>();
  for (const [id, r] of records) {
    if (r.runId !== id) problems.push(`run index: record ${id} holds run ${r.runId}`);
    const at = [r.createdAt, r.runId];
    expected.add(show(['status', r.status, ...at]));
    expected.add(show(['created', ...at]));
    for (const tag of r.tags) expected.add(show(['tag', tag, ...at]));
    if (r.parentRunId !== undefined) {
      expected.add(show(['parent', r.parentRunId, ...at]));
      if (!records.has(r.parentRunId))
        problems.push(`run index: run ${id} names a missing parent ${r.parentRunId}`);
    }
  }
  for (const e of expected) if (!entries.has(e)) problems.push(`run index: missing index entry ${e}`);
  for (const [e, value] of entries) {
    if (!expected.has(e)) {
      problems.push(`run index: index entry ${e} points at no run that belongs there`);
      continue;
    }
    // Each entry carries its (createdAt, runId) position, which queries read instead of the key.
    const parts = JSON.parse(e) as unknown[];
    if (show(value as unknown[]) !== show(parts.slice(-2)))
      problems.push(`run index: entry ${e} holds ${show([value])}`);
  }
  if ((counter ?? 0) !== records.size)
    problems.push(`run index: counter ${String(counter)} but ${records.size} records`);
}
