import { invalidArgument, Key, type KeyRange, validateKeyString } from '@agentdb/core';
import { isEngineTransaction, type ReadSource } from '@agentdb/engine';
import { checkPage, checkTime, type Page, validateTraceId, WHOLE } from './arguments.js';
import {
  afterPosition,
  BY_PARENT,
  BY_TAG,
  BY_TIME,
  BY_TYPE,
  countKey,
  decodeTrace,
  type IndexPrefix,
  indexedId,
  indexRange,
  ROOTS,
  recordKey,
} from './layout.js';
import type { Trace, TraceTree } from './types.js';

/*
 * Every read of the trace store, written once against a `ReadSource`: the engine (the facade's
 * snapshot reads, no transaction) or a transaction (the view: read-your-writes, conflict-checked).
 * Each checks its arguments before it reads; every query reads one index and costs O(results).
 */

/** The trace `id`, or `undefined`. */
export async function readTrace(src: ReadSource, runId: string, id: string): Promise<Trace | undefined> {
  validateTraceId(id, 'trace id');
  const [trace] = await readTraces(src, runId, [id]);
  return trace;
}

/** Whether trace `id` exists. */
export async function traceExists(src: ReadSource, runId: string, id: string): Promise<boolean> {
  validateTraceId(id, 'trace id');
  const [v] = await src.getMany([recordKey(runId, id)]);
  return v !== undefined;
}

/**
 * How many traces the run holds: one read of the counter. Inside a transaction it includes the
 * transaction's own records, whose increments are commit-time mutations only `getPending` runs.
 */
export async function countTraces(src: ReadSource, runId: string): Promise<number> {
  const key = countKey(runId);
  const stored = isEngineTransaction(src) ? await src.getPending(key) : await src.get(key);
  return typeof stored === 'number' ? stored : 0;
}

/** Every trace of the run in (timestamp, id) order, optionally paged. */
export function listTraces(src: ReadSource, runId: string, page: unknown): Promise<Trace[]> {
  return readIndex(src, runId, [BY_TIME], checkPage(page));
}

/** Traces whose type name is `name`. */
export function tracesOfType(src: ReadSource, runId: string, name: string, page: unknown): Promise<Trace[]> {
  validateKeyString(name, 'type name');
  return readIndex(src, runId, [BY_TYPE, name], checkPage(page));
}

/** Traces carrying exactly the tag `tag`. */
export function tracesWithTag(src: ReadSource, runId: string, tag: string, page: unknown): Promise<Trace[]> {
  validateKeyString(tag, 'tag');
  return readIndex(src, runId, [BY_TAG, tag], checkPage(page));
}

/** Traces with `startMs ≤ timestamp < endMs`. */
export function tracesInTime(
  src: ReadSource,
  runId: string,
  startMs: unknown,
  endMs: unknown,
  page: unknown,
): Promise<Trace[]> {
  const start = checkTime(startMs, 'startMs');
  const end = checkTime(endMs, 'endMs');
  if (start > end) throw invalidArgument(`startMs (${start}) must not be after endMs (${end})`);
  const checked = checkPage(page);
  // ('time', t) sorts before every ('time', t, id), so these two keys bound [startMs, endMs) exactly.
  const range = { start: Key.trace(runId, BY_TIME, start), end: Key.trace(runId, BY_TIME, end) };
  return readIndex(src, runId, [BY_TIME], checked, range);
}

/** The direct children of `parentId` (empty when it has none or does not exist). */
export function childrenOf(
  src: ReadSource,
  runId: string,
  parentId: string,
  page: unknown,
): Promise<Trace[]> {
  validateTraceId(parentId, 'parent id');
  return readIndex(src, runId, [BY_PARENT, parentId], checkPage(page));
}

/** Traces without a parent. */
export function rootTraces(src: ReadSource, runId: string, page: unknown): Promise<Trace[]> {
  return readIndex(src, runId, [ROOTS], checkPage(page));
}

/** Scan options for a page size (`Infinity` = no limit). */
const scanOptions = (limit: number) => (Number.isFinite(limit) ? { limit } : undefined);

/**
 * The traces listed by one index, in (timestamp, id) order: one range read of the index plus one read
 * per result, so the cost is O(results) whatever the size of the run. `range` defaults to the whole
 * index; `queryByTime` passes a narrower one.
 */
async function readIndex(
  src: ReadSource,
  runId: string,
  prefix: IndexPrefix,
  page: Page,
  range: KeyRange = indexRange(runId, prefix),
): Promise<Trace[]> {
  const ids: string[] = [];
  if (page.limit > 0) {
    for await (const entry of src.scan(
      afterPosition(range, runId, prefix, page.after),
      scanOptions(page.limit),
    )) {
      ids.push(indexedId(entry.value));
      // Stop here rather than let the scan pull one entry past the limit.
      if (ids.length >= page.limit) break;
    }
  }
  return readTraces(src, runId, ids);
}

/**
 * Reads trace records by id, skipping any that are gone. A trace only disappears when its whole run's
 * keys are deleted, which a facade query (index and records read from two snapshots) may straddle.
 */
async function readTraces(src: ReadSource, runId: string, ids: string[]): Promise<Trace[]> {
  if (ids.length === 0) return [];
  const values = await src.getMany(ids.map((id) => recordKey(runId, id)));
  const out: Trace[] = [];
  for (let i = 0; i < ids.length; i++) {
    const v = values[i];
    if (v !== undefined) out.push(decodeTrace(v, ids[i]!));
  }
  return out;
}

/** `readTree` yields to the event loop every this many traces. */
const YIELD_EVERY = 256;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The tree under `rootId` (any trace may be the root), or `undefined` if it does not exist. Built
 * breadth-first with an explicit queue — no recursion, so any depth and fan-out work; a visited set
 * ends the walk on a cycle damaged into the stored links, and it yields to the event loop as it goes.
 * Each node costs one read of its child index plus one read per child.
 */
export async function readTree(
  src: ReadSource,
  runId: string,
  rootId: string,
): Promise<TraceTree | undefined> {
  validateTraceId(rootId, 'root id');
  const [root] = await readTraces(src, runId, [rootId]);
  if (root === undefined) return undefined;
  const tree: TraceTree = { trace: root, children: [] };
  const queue: TraceTree[] = [tree];
  // Ids are never reused, so a parent link cannot form a cycle; the set guards against damaged data.
  const seen = new Set<string>([root.id]);
  for (let i = 0; i < queue.length; i++) {
    // A big tree is many reads that each settle at once: let timers and I/O run now and then.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const node = queue[i]!;
    for (const child of await readIndex(src, runId, [BY_PARENT, node.trace.id], WHOLE)) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      const sub: TraceTree = { trace: child, children: [] };
      node.children.push(sub);
      queue.push(sub);
    }
  }
  return tree;
}
