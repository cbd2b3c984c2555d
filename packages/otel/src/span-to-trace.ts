import {
  AgentDBError,
  BUILTIN_TRACE_TYPES,
  describe,
  type TraceType,
  type Value,
  validateKeyString,
  validateTraceType,
} from '@agentdb/primitives';
import { type Attributes, type AttributeValue, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeDuration, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import * as attr from './attributes.js';
import { hasEnded, nanosOf } from './span-time.js';
import { AttributeReader } from './value-attributes.js';

/** A span turned into what TraceStore records, before its run and parent are settled. */
export interface SpanRecord {
  /** The trace id to record: `agentdb.trace.id` for spans this package exported, else the span id. */
  id: string;
  traceType: TraceType;
  tags: string[];
  metadata: Value;
  /** Trace ids the parent may already have in the store (`agentdb.parent.id`, then the parent span id). */
  storedParentIds: string[];
}

// Trace ids follow the run id rules (TraceStore refuses anything else).
const TRACE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function checkTraceId(id: string | undefined, what: string): string | undefined {
  if (id !== undefined && !TRACE_ID_PATTERN.test(id)) {
    throw new AgentDBError('INVALID_ARGUMENT', `${what} ${describe(id)} is not a valid trace id`);
  }
  return id;
}

/**
 * The trace a finished span becomes (README, "Mapping"). A span this package exported (it carries
 * `agentdb.trace.type`) comes back as exactly the trace it was made from: id, type and fields, tags and
 * metadata. Any other span: `execute_tool` (GenAI) → `tool_call`; anything else → `custom` named after the
 * span with its attributes as `data`. Its OpenTelemetry identity (trace, span and parent ids, exact start
 * and end, kind, status, events, links, service) is kept in `metadata.otel`. Throws `INVALID_ARGUMENT` /
 * `INVALID_VALUE` for what TraceStore would refuse.
 *
 * @example
 * spanRecordOf(span).traceType; // { type: 'tool_call', toolName: 'search', arguments: { q: 'x' }, durationMs: 12 }
 */
export function spanRecordOf(span: ReadableSpan): SpanRecord {
  const attributes = span.attributes;
  if (attributes[attr.TRACE_TYPE] !== undefined) return exportedRecordOf(span);
  const { spanId } = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId;
  const tool = attributes[attr.GEN_AI_OPERATION_NAME] === attr.EXECUTE_TOOL;
  const traceType = validateTraceType(tool ? toolCallOf(span) : customOf(span));
  const rest = tool ? withoutKeys(attributes, TOOL_KEYS) : {};
  return {
    id: checkTraceId(spanId, 'span id')!,
    traceType,
    tags: [],
    metadata: { otel: otelOriginOf(span, rest) },
    storedParentIds: parentSpanId === undefined ? [] : [checkTraceId(parentSpanId, 'parent span id')!],
  };
}

/** A span made by `exportRun`: its `agentdb.*` attributes say everything. */
function exportedRecordOf(span: ReadableSpan): SpanRecord {
  const r = new AttributeReader(span.attributes);
  const type = r.string(attr.TRACE_TYPE);
  const input = (() => {
    switch (type) {
      case 'tool_call':
        return {
          type,
          toolName: r.string(attr.GEN_AI_TOOL_NAME),
          arguments: r.value(attr.GEN_AI_TOOL_CALL_ARGUMENTS),
          result: r.value(attr.GEN_AI_TOOL_CALL_RESULT),
          durationMs: r.number(attr.TOOL_DURATION_MS),
        };
      case 'decision':
        return {
          type,
          question: r.string(attr.DECISION_QUESTION),
          options: r.strings(attr.DECISION_OPTIONS),
          chosen: r.string(attr.DECISION_CHOSEN),
          reasoning: r.string(attr.DECISION_REASONING),
        };
      case 'query':
        return {
          type,
          queryType: r.string(attr.QUERY_TYPE),
          query: r.string(attr.QUERY_TEXT),
          resultsCount: r.number(attr.QUERY_RESULTS_COUNT),
        };
      case 'thought':
        return {
          type,
          content: r.string(attr.THOUGHT_CONTENT),
          confidence: r.number(attr.THOUGHT_CONFIDENCE),
        };
      case 'error':
        return {
          type,
          errorType: r.string(ATTR_ERROR_TYPE),
          message: r.string(attr.ERROR_MESSAGE),
          recoverable: r.boolean(attr.ERROR_RECOVERABLE),
        };
      case 'custom':
        return { type, name: span.name, data: r.value(attr.CUSTOM_DATA) };
      default:
        throw new AgentDBError(
          'INVALID_ARGUMENT',
          `attribute ${attr.TRACE_TYPE} ${describe(type)} is not a trace type (${BUILTIN_TRACE_TYPES.join(', ')})`,
        );
    }
  })();
  const parentId = checkTraceId(r.string(attr.PARENT_ID), attr.PARENT_ID);
  const metadata = r.value(attr.TRACE_METADATA);
  const parentSpanId = span.parentSpanContext?.spanId;
  return {
    id:
      checkTraceId(r.string(attr.TRACE_ID), attr.TRACE_ID) ??
      checkTraceId(span.spanContext().spanId, 'span id')!,
    traceType: validateTraceType(input),
    tags: r.strings(attr.TRACE_TAGS) ?? [],
    // Left out when it is the default {}; a stored null must stay null, hence no `??`.
    metadata: metadata === undefined ? {} : metadata,
    storedParentIds: [parentId, checkTraceId(parentSpanId, 'parent span id')].filter(
      (id): id is string => id !== undefined,
    ),
  };
}

const TOOL_KEYS = [
  attr.GEN_AI_OPERATION_NAME,
  attr.GEN_AI_TOOL_NAME,
  attr.GEN_AI_TOOL_CALL_ARGUMENTS,
  attr.GEN_AI_TOOL_CALL_RESULT,
];
const TOOL_PREFIX = `${attr.EXECUTE_TOOL} `;

/** A GenAI `execute_tool` span as a `tool_call`. */
function toolCallOf(span: ReadableSpan): Record<string, unknown> {
  const a = span.attributes;
  const named = a[attr.GEN_AI_TOOL_NAME];
  const toolName =
    typeof named === 'string' && named !== ''
      ? named
      : span.name.startsWith(TOOL_PREFIX) && span.name.length > TOOL_PREFIX.length
        ? span.name.slice(TOOL_PREFIX.length)
        : span.name || 'unknown';
  const args = a[attr.GEN_AI_TOOL_CALL_ARGUMENTS];
  const result = a[attr.GEN_AI_TOOL_CALL_RESULT];
  return {
    type: 'tool_call',
    toolName,
    arguments: args === undefined ? null : jsonOrValue(args),
    result: result === undefined ? undefined : jsonOrValue(result),
    durationMs: hasEnded(span.startTime, span.endTime)
      ? hrTimeToMilliseconds(hrTimeDuration(span.startTime, span.endTime))
      : undefined,
  };
}

/** Any other span as a `custom` trace named after it. */
function customOf(span: ReadableSpan): Record<string, unknown> {
  return { type: 'custom', name: customNameOf(span.name), data: valueOfAttributes(span.attributes) };
}

const BUILTIN_NAMES: ReadonlySet<string> = new Set(BUILTIN_TRACE_TYPES);
const MAX_NAME_BYTES = 512;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters key strings refuse
const FORBIDDEN = /[\u0000-\u0004]/g;

/**
 * A span name as a custom trace name, which is an index key: used as is when it is one; otherwise made one
 * (U+0000–U+0004 and lone surrogates replaced by U+FFFD, cut to 512 UTF-8 bytes, `span` for an empty
 * name, a `span:` prefix on a built-in type name). The span's own name stays in `metadata.otel.name`.
 */
export function customNameOf(spanName: string): string {
  let name = spanName.replace(FORBIDDEN, '\uFFFD').toWellFormed();
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    const cut = Buffer.from(name).subarray(0, MAX_NAME_BYTES).toString();
    // A code point cut in half decodes as a trailing U+FFFD: drop it to stay within the limit.
    name = Buffer.byteLength(cut) > MAX_NAME_BYTES ? cut.slice(0, -1) : cut;
  }
  if (name === '') name = 'span';
  if (BUILTIN_NAMES.has(name)) name = `span:${name}`;
  validateKeyString(name, 'custom trace name');
  return name;
}

/**
 * A string as stored: the storage encodes strings as UTF-8, where a lone surrogate cannot be written (it
 * would read back as three U+FFFD), so it is replaced by one U+FFFD here, the way `toWellFormed` does.
 */
function wellFormed<T>(v: T): T {
  return (typeof v === 'string' ? v.toWellFormed() : v) as T;
}

/** An attribute value as a `Value`: strings, numbers, booleans and arrays of them (holes → null). */
function valueOfAttribute(v: AttributeValue): Value {
  return Array.isArray(v) ? v.map((x) => (x === undefined ? null : wellFormed(x))) : wellFormed(v);
}

function valueOfAttributes(attributes: Attributes): { [key: string]: Value } {
  const out: { [key: string]: Value } = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = valueOfAttribute(v);
  return out;
}

/** GenAI tool arguments and results are JSON text: parsed when they are, kept as they are otherwise. */
function jsonOrValue(v: AttributeValue): Value {
  if (typeof v !== 'string') return valueOfAttribute(v);
  try {
    return JSON.parse(v) as Value;
  } catch {
    return v;
  }
}

function withoutKeys(attributes: Attributes, keys: readonly string[]): Attributes {
  const out: Attributes = { ...attributes };
  for (const k of keys) delete out[k];
  return out;
}

/** Where an imported span came from, as `metadata.otel`. Times are exact decimal nanoseconds. */
function otelOriginOf(span: ReadableSpan, attributes: Attributes): { [key: string]: Value } {
  const ctx = span.spanContext();
  const origin: { [key: string]: Value } = {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    name: wellFormed(span.name),
    kind: SpanKind[span.kind] ?? String(span.kind),
    startTimeUnixNano: nanosOf(span.startTime),
  };
  if (span.parentSpanContext !== undefined) origin.parentSpanId = span.parentSpanContext.spanId;
  if (hasEnded(span.startTime, span.endTime)) origin.endTimeUnixNano = nanosOf(span.endTime);
  if (span.status.code !== SpanStatusCode.UNSET) {
    origin.status = {
      code: SpanStatusCode[span.status.code] ?? String(span.status.code),
      ...(span.status.message === undefined ? {} : { message: wellFormed(span.status.message) }),
    };
  }
  const service = span.resource.attributes[ATTR_SERVICE_NAME];
  if (typeof service === 'string') origin.service = service;
  origin.scope = {
    name: span.instrumentationScope.name,
    ...(span.instrumentationScope.version === undefined
      ? {}
      : { version: span.instrumentationScope.version }),
  };
  if (Object.keys(attributes).length > 0) origin.attributes = valueOfAttributes(attributes);
  if (span.events.length > 0) {
    origin.events = span.events.map((e) => ({
      name: wellFormed(e.name),
      timeUnixNano: nanosOf(e.time),
      attributes: valueOfAttributes(e.attributes ?? {}),
    }));
  }
  if (span.links.length > 0) {
    origin.links = span.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      attributes: valueOfAttributes(l.attributes ?? {}),
    }));
  }
  return origin;
}
