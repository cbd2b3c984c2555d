import type { ErrorCode, RunMetadata, RunStatus, Value } from '../index.js';

/**
 * A plain in-memory model of what AgentDB promises, written from the primitives' documented contract (docs/architecture.md, the READMEs) without using any
 * AgentDB code: the model-based test runs the same operations on both and compares them.
 */

export const MODEL_RUNS = ['r1', 'r10', 'r2'] as const;
export type ModelRun = (typeof MODEL_RUNS)[number];

export interface ModelEvent {
  sequence: number;
  eventType: string;
  payload: Value;
  timestamp: number;
}

export interface ModelCell {
  value: Value;
  version: number;
  updatedAt: number;
}

export interface ModelTrace {
  id: string;
  parentId?: string;
  traceType: { type: 'thought'; content: string } | { type: 'custom'; name: string; data: Value };
  timestamp: number;
  tags: string[];
  metadata: Value;
}

/** One run's data in the four run-scoped primitives. */
export interface ModelRunData {
  kv: Map<string, Value>;
  events: ModelEvent[];
  cells: Map<string, ModelCell>;
  /** The version a deleted cell reached: a re-created cell continues above it. */
  highWater: Map<string, number>;
  traces: ModelTrace[];
}

export interface Model {
  data: Map<string, ModelRunData>;
  runs: Map<string, RunMetadata>;
}

export const emptyModel = (): Model => ({ data: new Map(), runs: new Map() });

export function runData(m: Model, run: string): ModelRunData {
  let d = m.data.get(run);
  if (d === undefined) {
    d = { kv: new Map(), events: [], cells: new Map(), highWater: new Map(), traces: [] };
    m.data.set(run, d);
  }
  return d;
}

/** Whether the run has any stored data (what `deleteRun` of a run without a record purges). */
export function hasData(m: Model, run: string): boolean {
  const d = m.data.get(run);
  return (
    d !== undefined &&
    (d.kv.size > 0 || d.events.length > 0 || d.cells.size > 0 || d.highWater.size > 0 || d.traces.length > 0)
  );
}

/** A failed operation: the code it must fail with (and the model stays unchanged). */
export type Outcome = { error: ErrorCode } | undefined;
const fail = (error: ErrorCode): Outcome => ({ error });

// --- state cells -----------------------------------------------------------------------------

function nextVersion(d: ModelRunData, name: string): number {
  return (d.cells.get(name)?.version ?? d.highWater.get(name) ?? 0) + 1;
}

function writeCell(d: ModelRunData, name: string, value: Value, now: number): void {
  d.cells.set(name, { value, version: nextVersion(d, name), updatedAt: now });
  d.highWater.delete(name);
}

export function stateInit(m: Model, run: string, name: string, value: Value, now: number): Outcome {
  const d = runData(m, run);
  if (d.cells.has(name)) return fail('ALREADY_EXISTS');
  writeCell(d, name, value, now);
}

export function stateSet(m: Model, run: string, name: string, value: Value, now: number): void {
  writeCell(runData(m, run), name, value, now);
}

export function stateCas(
  m: Model,
  run: string,
  name: string,
  expected: number,
  value: Value,
  now: number,
): Outcome {
  const d = runData(m, run);
  const cell = d.cells.get(name);
  if (cell === undefined) return fail('NOT_FOUND');
  if (cell.version !== expected) return fail('VERSION_MISMATCH');
  writeCell(d, name, value, now);
}

export function stateDelete(m: Model, run: string, name: string): boolean {
  const d = runData(m, run);
  const cell = d.cells.get(name);
  if (cell === undefined) return false;
  d.cells.delete(name);
  d.highWater.set(name, cell.version);
  return true;
}

// --- events and traces -------------------------------------------------------------------------

export function append(m: Model, run: string, eventType: string, payload: Value, now: number): number {
  const d = runData(m, run);
  const sequence = d.events.length;
  d.events.push({ sequence, eventType, payload, timestamp: now });
  return sequence;
}

export function recordTrace(m: Model, run: string, trace: ModelTrace): Outcome {
  const d = runData(m, run);
  if (trace.parentId !== undefined && !d.traces.some((t) => t.id === trace.parentId))
    return fail('NOT_FOUND');
  d.traces.push(trace);
}

/** The order every trace listing promises: (timestamp, id). */
export function byTimeThenId(
  a: { timestamp: number; id: string },
  b: { timestamp: number; id: string },
): number {
  return a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

// --- runs ------------------------------------------------------------------------------------

// The documented run transition table (docs/architecture.md), restated independently of @agentdb/run-index.
const ALLOWED: Record<RunStatus, RunStatus[]> = {
  active: ['active', 'completed', 'failed', 'cancelled', 'paused', 'archived'],
  paused: ['active', 'cancelled', 'archived'],
  completed: ['archived'],
  failed: ['archived'],
  cancelled: ['archived'],
  archived: [],
};

export function createRun(m: Model, run: string, tags: string[], now: number): Outcome {
  if (m.runs.has(run)) return fail('ALREADY_EXISTS');
  m.runs.set(run, {
    runId: run,
    status: 'active',
    createdAt: now,
    updatedAt: now,
    tags: [...new Set(tags)],
    metadata: {},
  });
}

export function updateStatus(m: Model, run: string, status: RunStatus, now: number): Outcome {
  const r = m.runs.get(run);
  if (r === undefined) return fail('NOT_FOUND');
  if (r.status === 'active' && status === 'active') return;
  if (!ALLOWED[r.status].includes(status)) return fail('INVALID_TRANSITION');
  const next: RunMetadata = { ...r, status, updatedAt: now };
  if (status === 'completed' || status === 'failed' || status === 'cancelled') next.completedAt = now;
  if (status === 'failed') next.error = 'model failure';
  m.runs.set(run, next);
}

export function changeTag(m: Model, run: string, tag: string, add: boolean, now: number): Outcome {
  const r = m.runs.get(run);
  if (r === undefined) return fail('NOT_FOUND');
  const tags = add ? [...new Set([...r.tags, tag])] : r.tags.filter((t) => t !== tag);
  if (tags.length !== r.tags.length) m.runs.set(run, { ...r, tags, updatedAt: now });
}

export function updateMetadata(m: Model, run: string, metadata: Value, now: number): Outcome {
  const r = m.runs.get(run);
  if (r === undefined) return fail('NOT_FOUND');
  m.runs.set(run, { ...r, metadata, updatedAt: now });
}

/** Cascade delete: the record and every piece of the run's data (cell high-water marks included). */
export function deleteRun(m: Model, run: string): Outcome {
  if (!m.runs.has(run) && !hasData(m, run)) return fail('NOT_FOUND');
  m.runs.delete(run);
  m.data.delete(run);
}

/** Runs ordered as every run listing promises: (createdAt, runId). */
export function sortedRuns(m: Model): RunMetadata[] {
  return [...m.runs.values()].sort(
    (a, b) => a.createdAt - b.createdAt || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0),
  );
}
