import { isValueObject, type Trace } from '@agentdb/primitives';
import { type HrTime, type SpanStatus, SpanStatusCode } from '@opentelemetry/api';
import type { TimedEvent } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_ERROR_TYPE,
  ATTR_EXCEPTION_MESSAGE,
  ATTR_EXCEPTION_TYPE,
} from '@opentelemetry/semantic-conventions';
import * as attr from './attributes.js';
import { SpanAttributes } from './value-attributes.js';

/** What a trace says about its span, apart from ids and times. */
export interface SpanContent {
  name: string;
  attributes: SpanAttributes;
  status: SpanStatus;
  events: TimedEvent[];
}

/** Whether `metadata` is the default `{}` (left out of the span, restored by the importer). */
function isEmptyObject(v: unknown): boolean {
  return isValueObject(v) && Object.keys(v).length === 0;
}

/**
 * The name, attributes, status and events of the span of `trace` (README, "Mapping"). Every span carries
 * the `agentdb.trace.*` attributes, which make the importer's copy of the trace exact; the type-specific
 * attributes follow the GenAI conventions where they apply (`execute_tool`) and `agentdb.*` otherwise.
 *
 * @example
 * spanContentOf(trace, start).name; // 'execute_tool search'
 */
export function spanContentOf(trace: Trace, start: HrTime): SpanContent {
  const a = new SpanAttributes()
    .set(attr.TRACE_ID, trace.id)
    .set(attr.PARENT_ID, trace.parentId)
    .set(attr.TRACE_TYPE, trace.traceType.type)
    .set(attr.TRACE_TAGS, trace.tags.length > 0 ? trace.tags : undefined)
    .value(attr.TRACE_METADATA, isEmptyObject(trace.metadata) ? undefined : trace.metadata);
  const t = trace.traceType;
  const unset: SpanStatus = { code: SpanStatusCode.UNSET };
  switch (t.type) {
    case 'tool_call':
      a.set(attr.GEN_AI_OPERATION_NAME, attr.EXECUTE_TOOL)
        .set(attr.GEN_AI_TOOL_NAME, t.toolName)
        .value(attr.GEN_AI_TOOL_CALL_ARGUMENTS, t.arguments)
        .value(attr.GEN_AI_TOOL_CALL_RESULT, t.result)
        .set(attr.TOOL_DURATION_MS, t.durationMs);
      return { name: `${attr.EXECUTE_TOOL} ${t.toolName}`, attributes: a, status: unset, events: [] };
    case 'decision':
      a.set(attr.DECISION_QUESTION, t.question)
        .set(attr.DECISION_OPTIONS, t.options)
        .set(attr.DECISION_CHOSEN, t.chosen)
        .set(attr.DECISION_REASONING, t.reasoning);
      return { name: attr.SPAN_NAMES.decision, attributes: a, status: unset, events: [] };
    case 'query':
      a.set(attr.QUERY_TYPE, t.queryType)
        .set(attr.QUERY_TEXT, t.query)
        .set(attr.QUERY_RESULTS_COUNT, t.resultsCount);
      return { name: attr.SPAN_NAMES.query, attributes: a, status: unset, events: [] };
    case 'thought':
      a.set(attr.THOUGHT_CONTENT, t.content).set(attr.THOUGHT_CONFIDENCE, t.confidence);
      return { name: attr.SPAN_NAMES.thought, attributes: a, status: unset, events: [] };
    case 'error':
      a.set(ATTR_ERROR_TYPE, t.errorType)
        .set(attr.ERROR_MESSAGE, t.message)
        .set(attr.ERROR_RECOVERABLE, t.recoverable);
      return {
        name: attr.SPAN_NAMES.error,
        attributes: a,
        status: { code: SpanStatusCode.ERROR, message: t.message },
        // The conventional way to attach an error to a span: backends show it in their error views.
        events: [
          {
            name: 'exception',
            time: start,
            attributes: { [ATTR_EXCEPTION_TYPE]: t.errorType, [ATTR_EXCEPTION_MESSAGE]: t.message },
          },
        ],
      };
    case 'custom':
      a.value(attr.CUSTOM_DATA, t.data);
      return { name: t.name, attributes: a, status: unset, events: [] };
  }
}
