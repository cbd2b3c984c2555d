import {
  type AgentDB,
  type AgentTransaction,
  decodeKey,
  describe,
  type Engine,
  invalidArgument,
  type KeyRange,
  readClock,
  validateRunId,
} from '@agentdb/primitives';
import {
  BaseStore,
  type Item,
  type MatchCondition,
  type Operation,
  type OperationResults,
  type SearchItem,
  validateNamespace,
} from '@langchain/langgraph-checkpoint';
import { agentDBOf } from '../agent-db-of.js';
import { textsAtPath } from './embed-text.js';
import { type ItemRecord, itemValue, parseItem } from './item-record.js';
import { matchesFilter } from './store-filter.js';
import {
  bytesVector,
  cosine,
  type ResolvedIndex,
  resolveIndex,
  type StoreIndexConfig,
  vectorBytes,
} from './store-index.js';
import { allItemsRange, itemKey, itemRanges, namespaceRange, splitNamespace } from './store-keys.js';
import { type CheckedOperation, checkOperation, checkTtl, type StoreOperation } from './store-operations.js';

/** The tag of the run that holds a store's items. */
export const STORE_TAG = 'langgraph-store';

/** The default run of a store. Thread run ids never start with `lg_s`, so it cannot be a thread's. */
export const DEFAULT_STORE_RUN = 'lg_store';

/** Time to live of store items, in minutes, as LangGraph's stores configure it. */
export interface StoreTtlConfig {
  /** TTL of items put without one. Default: none (items never expire). */
  defaultTtl?: number;
  /** Reading an item (`get`, `search`) renews its TTL. Default true. */
  refreshOnRead?: boolean;
}

/** Options of `new AgentDBStore(db, options)`. */
export interface AgentDBStoreOptions {
  /** The run that holds the items (created on the first put). Default `lg_store`. */
  runId?: string;
  /** Semantic search: `{ dims, embed, fields? }`. Without it, `query` is ignored (as in LangGraph). */
  index?: StoreIndexConfig;
  ttl?: StoreTtlConfig;
}

type PutOp = Extract<CheckedOperation, { kind: 'put' }>;
type SearchOp = Extract<CheckedOperation, { kind: 'search' }>;
type ListOp = Extract<CheckedOperation, { kind: 'list' }>;

/** An item read inside the batch's transaction. */
interface Found {
  key: Uint8Array;
  namespace: string[];
  itemKey: string;
  record: ItemRecord;
}

const MINUTE_MS = 60_000;

/**
 * LangGraph's long-term memory store on AgentDB: namespaced JSON items with TTL, filters and exact
 * cosine search. Items live in one run (`lg_store` unless `runId` says otherwise), so the whole store
 * is deleted, exported or inspected like any run. Each `batch` is one serializable transaction: its
 * reads see the state before its writes, and its writes commit together.
 *
 * @example
 * const store = new AgentDBStore(db, { index: { dims: 256, embed: myEmbed, fields: ['text'] } });
 * await store.put(['memories', 'u1'], 'm1', { text: 'likes tea' }, undefined, { ttl: 60 });
 * const hits = await store.search(['memories'], { query: 'drinks', limit: 5 });
 */
export class AgentDBStore extends BaseStore {
  /** The database the store lives in. */
  readonly db: AgentDB;
  /** The run holding the items. */
  readonly runId: string;
  readonly #index: ResolvedIndex | undefined;
  readonly #defaultTtl: number | null;
  readonly #refreshOnRead: boolean;

  /**
   * Opens a store on `db` (an `AgentDB` or its engine). It holds no data of its own: stores with the
   * same `runId` (in any process) share the items.
   *
   * @example
   * const store = new AgentDBStore(await AgentDB.open({ path: './agent-data' }), { ttl: { defaultTtl: 1440 } });
   */
  constructor(db: AgentDB | Engine, options: AgentDBStoreOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') {
      throw invalidArgument(`AgentDBStore options must be an object, got ${describe(options)}`);
    }
    this.db = agentDBOf(db, 'AgentDBStore');
    const runId = options.runId ?? DEFAULT_STORE_RUN;
    validateRunId(runId);
    this.runId = runId;
    this.#index = resolveIndex(options.index);
    const ttl = options.ttl ?? {};
    this.#defaultTtl = ttl.defaultTtl === undefined ? null : checkTtl(ttl.defaultTtl, 'ttl.defaultTtl');
    if (ttl.refreshOnRead !== undefined && typeof ttl.refreshOnRead !== 'boolean') {
      throw invalidArgument(`ttl.refreshOnRead must be a boolean, got ${describe(ttl.refreshOnRead)}`);
    }
    this.#refreshOnRead = ttl.refreshOnRead ?? true;
  }

  /**
   * Stores (or replaces) an item; `options.ttl` is its time to live in minutes (`null`: never expires;
   * default: the store's `defaultTtl`). `index` overrides which fields are embedded (`false`: none).
   *
   * @example
   * await store.put(['users', 'u1'], 'prefs', { theme: 'dark' }, false, { ttl: 30 });
   */
  override async put(
    namespace: string[],
    key: string,
    value: Record<string, unknown>,
    index?: false | string[],
    options?: { ttl?: number | null },
  ): Promise<void> {
    validateNamespace(namespace);
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw invalidArgument(`put: options must be an object, got ${describe(options)}`);
    }
    const op: StoreOperation = {
      namespace,
      key,
      value,
      ...(index === undefined ? {} : { index }),
      ...(options?.ttl === undefined ? {} : { ttl: options.ttl }),
    };
    await this.batch([op]);
  }

  /**
   * Runs operations in one transaction and returns one result per operation, in order: an `Item` or
   * null for a get, `SearchItem[]` for a search, `string[][]` for a namespace listing, undefined for a
   * put. Reads see the store as it was before the batch; when several puts name the same item, the
   * last wins. Every operation is checked before anything is read or written.
   *
   * @example
   * const [item, hits] = await store.batch([{ namespace: ['a'], key: 'k' }, { namespacePrefix: ['a'], limit: 5 }]);
   */
  async batch<Op extends Operation[]>(operations: Op): Promise<OperationResults<Op>> {
    if (!Array.isArray(operations))
      throw invalidArgument(`batch needs an array of operations, got ${describe(operations)}`);
    const ops = operations.map((op, i) => checkOperation(op, `batch[${i}]`, this.#defaultTtl));
    const puts = new Map<string, PutOp>();
    for (const op of ops) if (op.kind === 'put') puts.set(JSON.stringify([op.namespace, op.key]), op);
    // Embeddings come first: the transaction function may run again on a conflict, the model must not.
    const vectors = await this.#embedPuts([...puts.values()]);
    const queries = await this.#embedQueries(ops);
    const results = await this.db.transaction(this.runId, async (tx) => {
      const now = readClock(this.db.engine.clock);
      const read = new Map<string, Found>();
      const out: unknown[] = [];
      for (const op of ops) {
        if (op.kind === 'get') out.push(await this.#get(tx, op.namespace, op.key, read));
        else if (op.kind === 'search') out.push(await this.#search(tx, op, queries, read));
        else if (op.kind === 'list') out.push(await this.#listNamespaces(tx, op));
        else out.push(undefined);
      }
      if (this.#refreshOnRead) {
        for (const [id, f] of read) {
          if (f.record.ttl !== null && !puts.has(id)) {
            tx.tx.put(f.key, itemValue(f.record), { ttlMs: f.record.ttl * MINUTE_MS });
          }
        }
      }
      if (puts.size > 0) await this.#applyPuts(tx, [...puts.entries()], vectors, now);
      return out;
    });
    return results as OperationResults<Op>;
  }

  async #get(
    tx: AgentTransaction,
    namespace: string[],
    key: string,
    read: Map<string, Found>,
  ): Promise<Item | null> {
    const k = itemKey(this.runId, namespace, key);
    const v = await tx.tx.get(k);
    if (v === undefined) return null;
    const found = { key: k, namespace, itemKey: key, record: parseItem(v) };
    read.set(JSON.stringify([namespace, key]), found);
    return toItem(found);
  }

  async #search(
    tx: AgentTransaction,
    op: SearchOp,
    queries: Map<string, Float32Array>,
    read: Map<string, Found>,
  ): Promise<SearchItem[]> {
    const queryVector = op.query === undefined ? undefined : queries.get(op.query);
    const matches: Found[] = [];
    // Without a query the first `offset + limit` matches in key order are the answer: stop there.
    const enough = queryVector === undefined ? op.offset + op.limit : Number.POSITIVE_INFINITY;
    if (op.limit > 0) {
      for (const range of itemRanges(this.runId, op.prefix)) {
        for await (const found of scanItems(tx, range)) {
          if (op.filter !== undefined && !matchesFilter(found.record.value, op.filter)) continue;
          matches.push(found);
          if (matches.length >= enough) break;
        }
        if (matches.length >= enough) break;
      }
    }
    let ranked: { found: Found; score?: number | undefined }[];
    if (queryVector === undefined) ranked = matches.map((found) => ({ found }));
    else {
      // Exact cosine over every candidate: an item scores its best vector; unscored items follow.
      const scored = matches.map((found, order) => ({
        found,
        order,
        score: bestScore(queryVector, found.record.vectors),
      }));
      const unscored = (x: { score: number | undefined }) => (x.score === undefined ? 1 : 0);
      scored.sort(
        (a, b) =>
          unscored(a) - unscored(b) ||
          (a.score !== undefined && b.score !== undefined ? b.score - a.score : 0) ||
          a.order - b.order,
      );
      ranked = scored.map(({ found, score }) => ({ found, score }));
    }
    const page = ranked.slice(op.offset, op.offset + op.limit);
    for (const { found } of page) read.set(JSON.stringify([found.namespace, found.itemKey]), found);
    return page.map(({ found, score }) => ({ ...toItem(found), ...(score === undefined ? {} : { score }) }));
  }

  /** Distinct namespaces, by skipping from one namespace's range to the next: O(namespaces) seeks. */
  async #listNamespaces(tx: AgentTransaction, op: ListOp): Promise<string[][]> {
    const all = allItemsRange(this.runId);
    const seen: string[][] = [];
    let start = all.start;
    for (;;) {
      let joined: string | undefined;
      for await (const e of tx.tx.scan({ start, end: all.end }, { limit: 1 }))
        joined = String(decodeKey(e.key).parts[1]);
      if (joined === undefined) break;
      seen.push(splitNamespace(joined));
      start = namespaceRange(this.runId, joined).end;
    }
    let namespaces = seen.filter((ns) => op.conditions.every((c) => matchesCondition(c, ns)));
    if (op.maxDepth !== undefined) {
      const depth = op.maxDepth;
      const unique = new Map(
        namespaces.map((ns) => [JSON.stringify(ns.slice(0, depth)), ns.slice(0, depth)]),
      );
      namespaces = [...unique.values()];
    }
    namespaces.sort(compareNamespaces);
    return namespaces.slice(op.offset, op.offset + op.limit);
  }

  async #applyPuts(
    tx: AgentTransaction,
    puts: [string, PutOp][],
    vectors: Map<string, Uint8Array[]>,
    now: number,
  ): Promise<void> {
    if (puts.some(([, op]) => op.value !== null)) {
      const run = await tx.runs.getRun();
      if (run === undefined) await tx.runs.createRun({ name: 'LangGraph store', tags: [STORE_TAG] });
    }
    for (const [id, op] of puts) {
      const key = itemKey(this.runId, op.namespace, op.key);
      if (op.value === null) {
        tx.tx.delete(key);
        continue;
      }
      const existing = await tx.tx.get(key);
      const record: ItemRecord = {
        value: op.value,
        createdAt: existing === undefined ? now : parseItem(existing).createdAt,
        updatedAt: now,
        ttl: op.ttl,
        vectors: vectors.get(id) ?? [],
      };
      tx.tx.put(key, itemValue(record), op.ttl === null ? undefined : { ttlMs: op.ttl * MINUTE_MS });
    }
  }

  /** One embedder call for every text of every put (the texts of `index` fields, or the store's). */
  async #embedPuts(puts: PutOp[]): Promise<Map<string, Uint8Array[]>> {
    const out = new Map<string, Uint8Array[]>();
    const index = this.#index;
    if (index === undefined) return out;
    const owners: string[] = [];
    const texts: string[] = [];
    for (const op of puts) {
      if (op.value === null || op.index === false) continue;
      const id = JSON.stringify([op.namespace, op.key]);
      for (const field of op.index ?? index.fields) {
        for (const text of textsAtPath(op.value, field)) {
          owners.push(id);
          texts.push(text);
        }
      }
    }
    const embedded = await index.embedDocuments(texts);
    embedded.forEach((v, i) => {
      const id = owners[i]!;
      out.set(id, [...(out.get(id) ?? []), vectorBytes(v)]);
    });
    return out;
  }

  async #embedQueries(ops: CheckedOperation[]): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    const index = this.#index;
    if (index === undefined) return out;
    for (const op of ops) {
      if (op.kind === 'search' && op.query !== undefined && !out.has(op.query)) {
        out.set(op.query, await index.embedQuery(op.query));
      }
    }
    return out;
  }
}

async function* scanItems(tx: AgentTransaction, range: KeyRange): AsyncGenerator<Found> {
  for await (const e of tx.tx.scan(range)) {
    const [, joined, key] = decodeKey(e.key).parts;
    if (typeof joined !== 'string' || typeof key !== 'string') continue;
    yield { key: e.key, namespace: splitNamespace(joined), itemKey: key, record: parseItem(e.value) };
  }
}

function toItem(f: Found): Item {
  return {
    namespace: f.namespace,
    key: f.itemKey,
    value: f.record.value,
    createdAt: new Date(f.record.createdAt),
    updatedAt: new Date(f.record.updatedAt),
  };
}

/** The best cosine of `query` against an item's vectors; undefined when it has none of the right size. */
function bestScore(query: Float32Array, vectors: Uint8Array[]): number | undefined {
  let best: number | undefined;
  for (const bytes of vectors) {
    if (bytes.byteLength !== query.length * 4) continue;
    const s = cosine(query, bytesVector(bytes));
    if (best === undefined || s > best) best = s;
  }
  return best;
}

/** LangGraph's namespace match: `path` labels equal (or `*`) at the start (prefix) or end (suffix). */
function matchesCondition(c: MatchCondition, ns: string[]): boolean {
  if (c.path.length > ns.length) return false;
  const offset = c.matchType === 'prefix' ? 0 : ns.length - c.path.length;
  return c.path.every((label, i) => label === '*' || label === ns[offset + i]);
}

/** Label by label (UTF-16 code units), a shorter namespace before its extensions. */
function compareNamespaces(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}
