import { describe, invalidArgument, isValueObject, type Value, validateValue } from '@agentdb/primitives';
import {
  type MatchCondition,
  type Operation,
  type PutOperation,
  validateNamespace,
} from '@langchain/langgraph-checkpoint';
import { tokenize } from './embed-text.js';
import { checkFilter, type Filter } from './store-filter.js';
import { checkItemAddress } from './store-keys.js';

/** A `PutOperation` that may carry a time to live in minutes (`null`: never expires). */
export type TtlPutOperation = PutOperation & { ttl?: number | null };

/** An operation `batch` accepts: LangGraph's four, with TTL on puts. */
export type StoreOperation = Exclude<Operation, PutOperation> | TtlPutOperation;

/** A checked batch operation. */
export type CheckedOperation =
  | { kind: 'get'; namespace: string[]; key: string }
  | {
      kind: 'search';
      prefix: string[];
      filter: Filter | undefined;
      limit: number;
      offset: number;
      query: string | undefined;
    }
  | {
      kind: 'put';
      namespace: string[];
      key: string;
      /** `null` deletes the item. */
      value: { [k: string]: Value } | null;
      index: false | string[] | undefined;
      /** Minutes, or null for no expiry. */
      ttl: number | null;
    }
  | {
      kind: 'list';
      conditions: MatchCondition[];
      maxDepth: number | undefined;
      limit: number;
      offset: number;
    };

function count(v: unknown, name: string, what: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isSafeInteger(v) || (v as number) < 0) {
    throw invalidArgument(`${what}: ${name} must be a non-negative integer, got ${describe(v)}`);
  }
  return v as number;
}

/** Checks a TTL in minutes: a positive finite number, or null for none. */
export function checkTtl(ttl: unknown, what: string): number | null {
  if (ttl === null) return null;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw invalidArgument(
      `${what}: ttl must be a positive number of minutes (or null for none), got ${describe(ttl)}`,
    );
  }
  return ttl;
}

/**
 * Object properties set to `undefined` are dropped, as `JSON.stringify` drops them (LangGraph's values
 * are "JSON-serializable objects"); the rest must be an AgentDB value (`INVALID_VALUE` names the path).
 */
function storableValue(value: unknown, what: string): { [k: string]: Value } {
  if (!isValueObject(value)) {
    throw invalidArgument(
      `${what}: value must be a plain object (or null to delete), got ${describe(value)}`,
    );
  }
  const cleaned = dropUndefined(value, new Set());
  validateValue(cleaned, { name: 'value' });
  return cleaned as { [k: string]: Value };
}

function dropUndefined(v: unknown, seen: Set<object>): unknown {
  if (v === null || typeof v !== 'object' || v instanceof Date || v instanceof Uint8Array) return v;
  if (seen.has(v)) return v; // a cycle: validateValue reports it with its path
  seen.add(v);
  if (Array.isArray(v)) return v.map((x) => dropUndefined(x, seen));
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = dropUndefined(x, seen);
  return out;
}

function checkIndex(index: unknown, what: string): false | string[] | undefined {
  if (index === undefined || index === null) return undefined;
  if (index === false) return false;
  if (!Array.isArray(index))
    throw invalidArgument(`${what}: index must be false or an array of field paths, got ${describe(index)}`);
  for (const f of index) if (f !== '$') tokenize(f);
  return index as string[];
}

function checkConditions(conditions: unknown, what: string): MatchCondition[] {
  if (conditions === undefined || conditions === null) return [];
  if (!Array.isArray(conditions))
    throw invalidArgument(`${what}: matchConditions must be an array, got ${describe(conditions)}`);
  return conditions.map((c: unknown, i) => {
    const m = c as MatchCondition;
    if (
      m === null ||
      typeof m !== 'object' ||
      (m.matchType !== 'prefix' && m.matchType !== 'suffix') ||
      !Array.isArray(m.path)
    ) {
      throw invalidArgument(
        `${what}: matchConditions[${i}] must be { matchType: 'prefix' | 'suffix', path: string[] }`,
      );
    }
    if (!m.path.every((p) => typeof p === 'string'))
      throw invalidArgument(`${what}: matchConditions[${i}].path must hold strings`);
    return { matchType: m.matchType, path: [...m.path] };
  });
}

/**
 * Checks one batch operation (`INVALID_ARGUMENT`, `INVALID_VALUE`, or LangGraph's
 * `InvalidNamespaceError` for a bad namespace) and says what it is. Nothing is read or written yet.
 */
export function checkOperation(op: unknown, what: string, defaultTtl: number | null): CheckedOperation {
  if (op === null || typeof op !== 'object')
    throw invalidArgument(`${what} must be an operation object, got ${describe(op)}`);
  const o = op as Record<string, unknown>;
  if ('namespacePrefix' in o) {
    const prefix = o.namespacePrefix as string[];
    if (!Array.isArray(prefix)) throw invalidArgument(`${what}: namespacePrefix must be an array of labels`);
    validateNamespace(prefix, { allowEmpty: true, allowReservedRoot: true });
    checkItemAddress(prefix, undefined, what);
    if (o.query !== undefined && o.query !== null && typeof o.query !== 'string') {
      throw invalidArgument(`${what}: query must be a string, got ${describe(o.query)}`);
    }
    return {
      kind: 'search',
      prefix: [...prefix],
      filter: checkFilter(o.filter, what),
      limit: count(o.limit, 'limit', what, 10),
      offset: count(o.offset, 'offset', what, 0),
      query: typeof o.query === 'string' ? o.query : undefined,
    };
  }
  if ('matchConditions' in o || ('limit' in o && !('namespace' in o))) {
    const maxDepth = o.maxDepth;
    if (maxDepth !== undefined && (!Number.isSafeInteger(maxDepth) || (maxDepth as number) < 1)) {
      throw invalidArgument(`${what}: maxDepth must be a positive integer, got ${describe(maxDepth)}`);
    }
    return {
      kind: 'list',
      conditions: checkConditions(o.matchConditions, what),
      maxDepth: maxDepth as number | undefined,
      limit: count(o.limit, 'limit', what, 100),
      offset: count(o.offset, 'offset', what, 0),
    };
  }
  const namespace = o.namespace as string[];
  if (!Array.isArray(namespace))
    throw invalidArgument(`${what}: namespace must be an array of labels, got ${describe(namespace)}`);
  validateNamespace(namespace, { allowReservedRoot: true });
  checkItemAddress(namespace, o.key as string, what);
  const key = o.key as string;
  if (!('value' in o)) return { kind: 'get', namespace: [...namespace], key };
  return {
    kind: 'put',
    namespace: [...namespace],
    key,
    value: o.value === null ? null : storableValue(o.value, what),
    index: checkIndex(o.index, what),
    ttl: o.ttl === undefined ? defaultTtl : checkTtl(o.ttl, what),
  };
}
