import type { KeyRange } from '@agentdb/core';
import type { ReadSource } from '@agentdb/engine';
import { afterCursor, type Page } from './page.js';
import { decodeTrace, type Trace, type TraceTree } from './trace.js';
import { BY_PARENT, type IndexPrefix, indexedId, indexRange, recordKey } from './trace-keys.js';

/**
 * The reads a query needs: the database (the facade's snapshot reads, no transaction bookkeeping) or a
 * transaction (the view: read-your-writes, conflict-checked). Every query is written once against it.
 */
export type Reads = ReadSource;

/** Scan options for a page size (`Infinity` = no limit). */
const scanOptions = (limit: number) => (Number.isFinite(limit) ? { limit } : undefined);

/**
 * The traces listed by one index, in (timestamp, id) order: one range read of the index plus one read
 * per result, so the cost is O(results) whatever the size of the run. `range` defaults to the whole
 * index; `queryByTime` passes a narrower one.
 */
export async function readIndex(
  reads: Reads,
  runId: string,
  prefix: IndexPrefix,
  page: Page,
  range: KeyRange = indexRange(runId, prefix),
): Promise<Trace[]> {
  const ids: string[] = [];
  if (page.limit > 0) {
    for await (const entry of reads.scan(afterCursor(range, runId, prefix, page), scanOptions(page.limit))) {
      ids.push(indexedId(entry.value));
      // Stop here rather than let the scan pull one entry past the limit.
      if (ids.length >= page.limit) break;
    }
  }
  return readTraces(reads, runId, ids);
}

/**
 * Reads trace records by id, skipping any that are gone. A trace only disappears when its whole run's
 * keys are deleted, which a facade query (index and records read from two snapshots) may straddle.
 */
export async function readTraces(reads: Reads, runId: string, ids: string[]): Promise<Trace[]> {
  if (ids.length === 0) return [];
  const values = await reads.getMany(ids.map((id) => recordKey(runId, id)));
  const out: Trace[] = [];
  for (let i = 0; i < ids.length; i++) {
    const v = values[i];
    if (v !== undefined) out.push(decodeTrace(v, ids[i]!));
  }
  return out;
}

const WHOLE: Page = { limit: Number.POSITIVE_INFINITY, after: undefined };

/** `readTree` yields to the event loop every this many traces. */
const YIELD_EVERY = 256;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Rebuilds the tree under `rootId` breadth-first with an explicit queue — no recursion, so any depth
 * and fan-out work; a visited set ends the walk on a cycle damaged into the stored links, and it
 * yields to the event loop as it goes. Each node costs one read of its child index plus one read per child.
 */
export async function readTree(reads: Reads, runId: string, rootId: string): Promise<TraceTree | undefined> {
  const [root] = await readTraces(reads, runId, [rootId]);
  if (root === undefined) return undefined;
  const tree: TraceTree = { trace: root, children: [] };
  const queue: TraceTree[] = [tree];
  // Ids are never reused, so a parent link cannot form a cycle; the set guards against damaged data.
  const seen = new Set<string>([root.id]);
  for (let i = 0; i < queue.length; i++) {
    // A big tree is many reads that each settle at once: let timers and I/O run now and then.
    if (i % YIELD_EVERY === YIELD_EVERY - 1) await yieldToEventLoop();
    const node = queue[i]!;
    for (const child of await readIndex(reads, runId, [BY_PARENT, node.trace.id], WHOLE)) {
      if (seen.has(child.id)) continue;
      seen.add(child.id);
      const sub: TraceTree = { trace: child, children: [] };
      node.children.push(sub);
      queue.push(sub);
    }
  }
  return tree;
}
