import {
  type AgentDBError,
  checkId,
  checkOptions,
  checkPositiveInt,
  closestName,
  describe,
  invalidArgument,
  plainCopy,
  snapshotValue,
  type Value,
  validateKeyString,
} from '@agentdb/core';
import { type Position, parseCursor } from './layout.js';
import { BUILTIN_TRACE_TYPES, type BuiltinTraceTypeName, type TraceType } from './types.js';

/*
 * Argument checks of the trace store, through the kit of @agentdb/core. Each reads its input once (a
 * plain copy), so what is checked is what is stored, and throws before anything is read or written:
 * INVALID_ARGUMENT naming the argument, or INVALID_VALUE naming the path inside a `Value`.
 */

/** How each field of a variant is checked. Field kinds are few, so a table keeps every variant honest. */
type FieldKind =
  | 'name' // a non-empty string, usable as an index key part (custom names are indexed)
  | 'label' // a non-empty string
  | 'text' // any string (may be empty)
  | 'strings' // an array of strings
  | 'value' // any storable Value
  | 'duration' // a finite number ≥ 0
  | 'count' // a non-negative safe integer
  | 'unit' // a finite number in [0, 1]
  | 'boolean';

interface FieldSpec {
  kind: FieldKind;
  optional?: boolean;
}

const VARIANTS: Record<BuiltinTraceTypeName, Record<string, FieldSpec>> = {
  tool_call: {
    toolName: { kind: 'label' },
    arguments: { kind: 'value' },
    result: { kind: 'value', optional: true },
    durationMs: { kind: 'duration', optional: true },
  },
  decision: {
    question: { kind: 'text' },
    options: { kind: 'strings' },
    chosen: { kind: 'text' },
    reasoning: { kind: 'text', optional: true },
  },
  query: {
    queryType: { kind: 'label' },
    query: { kind: 'text' },
    resultsCount: { kind: 'count', optional: true },
  },
  thought: {
    content: { kind: 'text' },
    confidence: { kind: 'unit', optional: true },
  },
  error: {
    errorType: { kind: 'label' },
    message: { kind: 'text' },
    recoverable: { kind: 'boolean' },
  },
  custom: {
    name: { kind: 'name' },
    data: { kind: 'value' },
  },
};

function isBuiltin(name: unknown): name is BuiltinTraceTypeName {
  return typeof name === 'string' && Object.hasOwn(VARIANTS, name);
}

function bad(field: string, problem: string): AgentDBError {
  return invalidArgument(`traceType.${field} ${problem}`);
}

/** Checks one field and returns what to store: a snapshot for `Value` fields, a copy for string lists. */
function checkField(field: string, spec: FieldSpec, v: unknown): unknown {
  switch (spec.kind) {
    case 'name':
      if (typeof v !== 'string') throw bad(field, `must be a string, got ${describe(v)}`);
      // The name may become an index key part (custom traces), so it obeys the key string rules.
      validateKeyString(v, `traceType.${field}`);
      return v;
    case 'label':
      if (typeof v !== 'string') throw bad(field, `must be a string, got ${describe(v)}`);
      if (v.length === 0) throw bad(field, 'must not be empty');
      return v;
    case 'text':
      if (typeof v !== 'string') throw bad(field, `must be a string, got ${describe(v)}`);
      return v;
    case 'strings': {
      if (!Array.isArray(v)) throw bad(field, `must be an array of strings, got ${describe(v)}`);
      const out: string[] = [];
      for (let i = 0; i < v.length; i++) {
        // `i in v` also catches holes of sparse arrays, which would read as undefined.
        const s: unknown = i in v ? v[i] : undefined;
        if (typeof s !== 'string') throw bad(`${field}[${i}]`, `must be a string, got ${describe(s)}`);
        out.push(s);
      }
      return out;
    }
    case 'value':
      // Unstorable content inside a Value field is INVALID_VALUE naming its path, like every Value.
      return snapshotValue(v, { name: `traceType.${field}` });
    case 'duration':
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw bad(field, `must be a finite number ≥ 0, got ${describe(v)}`);
      }
      return v;
    case 'count':
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw bad(field, `must be a non-negative integer, got ${describe(v)}`);
      }
      return v;
    case 'unit':
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
        throw bad(field, `must be a number from 0 to 1, got ${describe(v)}`);
      }
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') throw bad(field, `must be a boolean, got ${describe(v)}`);
      return v;
  }
}

/**
 * Checks a `TraceType` at run time and returns a normalised copy (optional fields given as `undefined`
 * dropped). Structural problems are `INVALID_ARGUMENT` naming the field
 * (`traceType.options[2] must be a string`); unstorable content inside a `Value` field
 * (`arguments`, `result`, `data`) is `INVALID_VALUE` naming its path. Unknown fields are refused, so a
 * typo never silently disappears; a custom trace may not take a built-in type name.
 *
 * @example
 * validateTraceType({ type: 'decision', question: 'q', options: ['a', 1], chosen: 'a' });
 * // throws INVALID_ARGUMENT: traceType.options[1] must be a string, got 1
 */
export function validateTraceType(input: unknown): TraceType {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw invalidArgument(`traceType must be an object with a "type" field, got ${describe(input)}`);
  }
  const proto: unknown = Object.getPrototypeOf(input);
  if (proto !== Object.prototype && proto !== null) {
    throw invalidArgument(`traceType must be a plain object, got ${describe(input)}`);
  }
  // One read of every field into a plain copy: a getter or proxy cannot change a field once checked.
  const obj = plainCopy(input, 'traceType');
  const type = obj.type;
  if (!isBuiltin(type)) {
    throw bad(
      'type',
      `must be one of ${BUILTIN_TRACE_TYPES.map((t) => `'${t}'`).join(', ')}, got ${describe(type)}`,
    );
  }
  const fields = VARIANTS[type];
  for (const key of Object.keys(obj)) {
    if (key !== 'type' && !Object.hasOwn(fields, key)) {
      const near = closestName(key, Object.keys(fields));
      const hint = near === undefined ? '' : `; did you mean "${near}"?`;
      throw bad(
        key,
        `is not a field of a '${type}' trace${hint} (fields: ${Object.keys(fields).join(', ')})`,
      );
    }
  }
  const out: Record<string, unknown> = { type };
  for (const [field, spec] of Object.entries(fields)) {
    const v = obj[field];
    if (v === undefined) {
      if (spec.optional) continue;
      throw bad(field, spec.kind === 'value' ? 'is required (use null for none)' : 'is required');
    }
    out[field] = checkField(field, spec, v);
  }
  if (type === 'custom' && isBuiltin(out.name)) {
    // A custom trace named like a built-in would be indistinguishable in queryByType.
    throw bad('name', `must not be a built-in type name ('${String(out.name)}'); pick a name of your own`);
  }
  return out as TraceType;
}

/** Most tags one trace may carry: each is an index entry written with the trace. */
export const MAX_TAGS = 256;

/**
 * Throws `INVALID_ARGUMENT` unless `id` is a valid trace id: 1–64 characters of `[A-Za-z0-9_-]`
 * (the run id alphabet, so ids are URL- and file-name safe and never need escaping).
 *
 * @example
 * validateTraceId('step-1', 'trace id'); // ok
 */
export function validateTraceId(id: unknown, what: string): asserts id is string {
  checkId(id, what);
}

/** Checks a tag list and returns it without duplicates, in first-occurrence order. */
function validateTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalidArgument(`tags must be an array of strings, got ${describe(tags)}`);
  if (tags.length > MAX_TAGS)
    throw invalidArgument(`tags has ${tags.length} entries; the limit is ${MAX_TAGS}`);
  const seen = new Set<string>();
  for (let i = 0; i < tags.length; i++) {
    if (!(i in tags)) throw invalidArgument(`tags[${i}] must be a string, got undefined`);
    const tag: unknown = tags[i]; // read once: the tag checked is the tag indexed
    validateKeyString(tag, `tags[${i}]`);
    seen.add(tag);
  }
  return [...seen];
}

/** What `record` stores, checked; every check happens before anything is written. */
export interface CheckedRecord {
  traceType: TraceType;
  id: string | undefined;
  parentId: string | undefined;
  tags: string[];
  metadata: Value;
}

const RECORD_OPTIONS = ['id', 'parentId', 'tags', 'metadata'] as const;
const RECORD_CHILD_OPTIONS = ['id', 'tags', 'metadata'] as const;

/**
 * Checks what `record` (or, with `childOf`, `recordChild`) is given, each input read once (a plain
 * copy): the trace type, then the options — unknown names are refused with the closest known one
 * suggested, so a typo like `tag:` is never ignored; `metadata` is snapshotted, so the metadata stored
 * is the metadata checked. `childOf` (already checked) becomes the parent; `recordChild` takes no
 * `parentId` option.
 *
 * @example
 * const rec = checkRecord({ type: 'thought', content: 'x' }, { tags: ['plan'] }, undefined);
 */
export function checkRecord(traceType: unknown, opts: unknown, childOf: string | undefined): CheckedRecord {
  const checkedType = validateTraceType(traceType);
  const o = checkOptions(opts, childOf === undefined ? RECORD_OPTIONS : RECORD_CHILD_OPTIONS, 'record');
  const parentId = 'parentId' in o ? o.parentId : undefined;
  return {
    traceType: checkedType,
    id: o.id === undefined ? undefined : checkId(o.id, 'trace id'),
    parentId: childOf ?? (parentId === undefined ? undefined : checkId(parentId, 'parent id')),
    tags: o.tags === undefined ? [] : validateTags(o.tags),
    metadata: o.metadata === undefined ? {} : snapshotValue(o.metadata, { name: 'metadata' }),
  };
}

/** A checked page request. */
export interface Page {
  limit: number;
  after: Position | undefined;
}

/** A page with no limit and no cursor: everything. */
export const WHOLE: Page = { limit: Number.POSITIVE_INFINITY, after: undefined };

/** Checks page options (known names only, read once). */
export function checkPage(opts: unknown): Page {
  if (opts === undefined) return WHOLE;
  const { limit, after } = checkOptions(opts, ['limit', 'after'], 'page');
  return {
    limit: limit === undefined ? Number.POSITIVE_INFINITY : checkPositiveInt(limit, 'limit'),
    after: after === undefined ? undefined : checkCursor(after),
  };
}

function checkCursor(cursor: unknown): Position {
  const position = parseCursor(cursor);
  if (position === undefined) {
    throw invalidArgument(`after must be a cursor from cursorOf(trace), got ${describe(cursor)}`);
  }
  return position;
}

/** Checks a time bound of `queryByTime`: integer milliseconds since the epoch. */
export function checkTime(ms: unknown, what: string): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) {
    throw invalidArgument(`${what} must be integer milliseconds since the epoch, got ${describe(ms)}`);
  }
  return ms;
}
