import { AgentDBError, compareKeys, type EncodedKey, keySuccessor } from '@agentdb/core';
import { isEngineTransaction, type ReadSource, type ScanEntry } from '@agentdb/engine';
import {
  COUNT_KEY,
  comparePositions,
  fromRecord,
  type IndexPrefix,
  indexKey,
  indexKeyAt,
  indexRange,
  type Position,
  positionOf,
  recordKey,
} from './layout.js';
import type { RunMetadata, RunQuery } from './types.js';

/*
 * Every read of the run index, written once against a `ReadSource`: the engine (the facade's single
 * snapshot reads), or a transaction (the view and every write; the facade also runs its multi-scan
 * reads — listings and queries — in a read-only transaction, so they see one snapshot and never
 * conflict). Arguments arrive checked.
 */

/** The run's record, or `undefined`. */
export async function readRun(src: ReadSource, runId: string): Promise<RunMetadata | undefined> {
  const value = await src.get(recordKey(runId));
  return value === undefined ? undefined : fromRecord(runId, value);
}

/**
 * How many runs exist: one read of the counter. Inside a transaction it includes the transaction's own
 * creates and deletes, whose counter changes are commit-time mutations only `getPending` runs.
 */
export async function countRuns(src: ReadSource): Promise<number> {
  return Number((isEngineTransaction(src) ? await src.getPending(COUNT_KEY) : await src.get(COUNT_KEY)) ?? 0);
}

/** Every run id in creation order (reads only the creation-time index). */
export async function listRunIds(src: ReadSource): Promise<string[]> {
  const ids: string[] = [];
  for await (const { value } of src.scan(indexRange(['created']))) ids.push(positionOf(value).runId);
  return ids;
}

/** The ids of `runId`'s direct children, at most `limit`. */
export async function childIds(src: ReadSource, runId: string, limit?: number): Promise<string[]> {
  const ids: string[] = [];
  const opts = limit === undefined ? undefined : { limit };
  for await (const { value } of src.scan(indexRange(['parent', runId]), opts)) {
    ids.push(positionOf(value).runId);
  }
  return ids;
}

// ─── queryRuns ──────────────────────────────────────────────────────────────────────────────────

/**
 * `queryRuns` as a merge intersection ("leapfrog join") of the indices its filters name.
 *
 * Every index orders its entries by (createdAt, runId), so each filter is a sorted stream of positions
 * and the answer is their intersection. The walk keeps a bound (the least position that can still
 * match) and asks each index in turn for its first entry at or above it; an index that answers above
 * the bound raises it, and when every index answers the same position that run matches. Each index
 * therefore skips, with one seek, every run that another index has already ruled out, so the most
 * selective filter drives the walk without any up-front estimate — and a creation-time window narrows
 * every index because it is a key range. Records are read only for matches.
 */

/** How many entries a cursor steps through before it re-seeks instead (a re-seek costs ~2 reads). */
const STEPS_BEFORE_SEEK = 2;

/** The least position that may still match: a time alone, or a position (inclusive or exclusive). */
type Bound =
  | { createdAt: number; runId?: undefined; exclusive?: undefined }
  | { createdAt: number; runId: string; exclusive: boolean };

function satisfies(pos: Position, bound: Bound | undefined): boolean {
  if (bound === undefined) return true;
  if (bound.runId === undefined) return pos.createdAt >= bound.createdAt;
  const c = comparePositions(pos, bound as Position);
  return bound.exclusive ? c > 0 : c >= 0;
}

function startKey(prefix: IndexPrefix, bound: Bound | undefined): EncodedKey {
  if (bound === undefined) return indexRange(prefix).start;
  if (bound.runId === undefined) return indexKeyAt(prefix, bound.createdAt);
  const key = indexKey(prefix, bound.createdAt, bound.runId);
  return bound.exclusive ? keySuccessor(key) : key;
}

/** A forward cursor over one index that can jump ahead. */
class IndexCursor {
  readonly #src: ReadSource;
  readonly #prefix: IndexPrefix;
  readonly #end: EncodedKey;
  #iter: AsyncIterator<ScanEntry> | undefined;
  #current: Position | undefined;
  #exhausted = false;

  constructor(src: ReadSource, prefix: IndexPrefix, createdBefore: number | undefined) {
    this.#src = src;
    this.#prefix = prefix;
    this.#end = createdBefore === undefined ? indexRange(prefix).end : indexKeyAt(prefix, createdBefore);
  }

  /** The first entry at or above `bound`, or `undefined` when the index has none. */
  async seek(bound: Bound | undefined): Promise<Position | undefined> {
    if (this.#exhausted) return undefined;
    if (this.#current !== undefined && satisfies(this.#current, bound)) return this.#current;
    // Bounds only grow, so a near target is cheaper to reach by stepping the open scan.
    if (this.#iter !== undefined) {
      for (let i = 0; i < STEPS_BEFORE_SEEK; i++) {
        const pos = await this.#next();
        if (pos === undefined || satisfies(pos, bound)) return pos;
      }
      await this.#iter.return?.();
    }
    const start = startKey(this.#prefix, bound);
    if (compareKeys(start, this.#end) >= 0) {
      this.#exhausted = true;
      return undefined;
    }
    this.#iter = this.#src.scan({ start, end: this.#end })[Symbol.asyncIterator]();
    return this.#next();
  }

  async #next(): Promise<Position | undefined> {
    const n = await this.#iter!.next();
    if (n.done === true) {
      this.#exhausted = true;
      this.#current = undefined;
      return undefined;
    }
    this.#current = positionOf(n.value.value);
    return this.#current;
  }

  async close(): Promise<void> {
    await this.#iter?.return?.();
  }
}

/** The indices a query walks: every filtered one, or the creation-time index when none is. */
function indicesOf(q: RunQuery): IndexPrefix[] {
  const out: IndexPrefix[] = [];
  if (q.parentRunId !== undefined) out.push(['parent', q.parentRunId]);
  if (q.tag !== undefined) out.push(['tag', q.tag]);
  if (q.status !== undefined) out.push(['status', q.status]);
  if (out.length === 0) out.push(['created']);
  return out;
}

/** The greater of `createdAfter` (exclusive) and the `after` cursor (exclusive). */
function initialBound(q: RunQuery): Bound | undefined {
  const fromTime: Bound | undefined =
    q.createdAfter === undefined ? undefined : { createdAt: q.createdAfter + 1 };
  if (q.after === undefined) return fromTime;
  const fromCursor: Bound = { createdAt: q.after.createdAt, runId: q.after.runId, exclusive: true };
  if (fromTime === undefined) return fromCursor;
  return q.after.createdAt >= fromTime.createdAt ? fromCursor : fromTime;
}

/** Reads the record an index entry points at; an entry without one is corruption. */
export async function readIndexedRun(src: ReadSource, runId: string): Promise<RunMetadata> {
  const value = await src.get(recordKey(runId));
  if (value === undefined) {
    throw new AgentDBError('CORRUPTION', `the run index lists "${runId}" but its record is missing`);
  }
  return fromRecord(runId, value);
}

/** Runs a checked query: matches ordered by (createdAt, runId), at most `q.limit`. */
export async function queryRuns(src: ReadSource, q: RunQuery): Promise<RunMetadata[]> {
  const limit = q.limit ?? Number.POSITIVE_INFINITY;
  const out: RunMetadata[] = [];
  if (
    q.createdAfter !== undefined &&
    q.createdBefore !== undefined &&
    q.createdAfter + 1 >= q.createdBefore
  ) {
    return out;
  }
  const cursors = indicesOf(q).map((prefix) => new IndexCursor(src, prefix, q.createdBefore));
  let bound = initialBound(q);
  let agree = 0; // how many cursors in a row sit exactly on `bound`
  try {
    for (let i = 0; out.length < limit; i = (i + 1) % cursors.length) {
      const pos = await cursors[i]!.seek(bound);
      if (pos === undefined) break;
      if (bound?.runId !== undefined && !bound.exclusive && comparePositions(pos, bound as Position) === 0) {
        agree++;
      } else {
        bound = { createdAt: pos.createdAt, runId: pos.runId, exclusive: false };
        agree = 1;
      }
      if (agree === cursors.length) {
        out.push(await readIndexedRun(src, pos.runId));
        bound = { createdAt: pos.createdAt, runId: pos.runId, exclusive: true };
        agree = 0;
      }
    }
  } finally {
    for (const c of cursors) await c.close();
  }
  return out;
}
