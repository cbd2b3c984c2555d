/**
 * Span names and attribute keys of the mapping between AgentDB traces and OpenTelemetry spans. They are
 * part of the package's contract (README, "Mapping"): backends, dashboards and the importer rely on them.
 *
 * The `gen_ai.*` keys are the OpenTelemetry GenAI semantic conventions. They are still experimental (and
 * `@opentelemetry/semantic-conventions` 1.45 marks its copies deprecated, having moved them to the GenAI
 * conventions repository), so, as the OpenTelemetry JS project recommends for unstable conventions, the
 * few this package uses are defined here rather than imported from the package's `incubating` entry.
 * Stable keys (`error.type`, `exception.*`, `service.name`) come from `@opentelemetry/semantic-conventions`.
 */

/** `gen_ai.operation.name`: the GenAI operation a span performs. */
export const GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
/** The `gen_ai.operation.name` of a tool execution. */
export const EXECUTE_TOOL = 'execute_tool';
/** `gen_ai.tool.name`: the tool a tool-execution span ran. */
export const GEN_AI_TOOL_NAME = 'gen_ai.tool.name';
/** `gen_ai.tool.call.arguments`: the tool's arguments, as JSON. */
export const GEN_AI_TOOL_CALL_ARGUMENTS = 'gen_ai.tool.call.arguments';
/** `gen_ai.tool.call.result`: the tool's result, as JSON. */
export const GEN_AI_TOOL_CALL_RESULT = 'gen_ai.tool.call.result';

/** The resource (and span) attribute naming the AgentDB run. */
export const RUN_ID = 'agentdb.run.id';
export const RUN_NAME = 'agentdb.run.name';
export const RUN_STATUS = 'agentdb.run.status';

/** Set on every span made from a trace: these let the importer rebuild the trace exactly. */
export const TRACE_ID = 'agentdb.trace.id';
export const PARENT_ID = 'agentdb.parent.id';
export const TRACE_TYPE = 'agentdb.trace.type';
export const TRACE_TAGS = 'agentdb.trace.tags';
export const TRACE_METADATA = 'agentdb.trace.metadata';
/**
 * JSON object from attribute key to the superjson type annotations of that attribute's JSON value, present
 * only when some `Value` field holds what JSON cannot say exactly (bigint, bytes, dates, -0, NaN, ±Infinity).
 */
export const VALUE_TYPES = 'agentdb.value_types';

export const TOOL_DURATION_MS = 'agentdb.tool.duration_ms';
export const DECISION_QUESTION = 'agentdb.decision.question';
export const DECISION_OPTIONS = 'agentdb.decision.options';
export const DECISION_CHOSEN = 'agentdb.decision.chosen';
export const DECISION_REASONING = 'agentdb.decision.reasoning';
export const QUERY_TYPE = 'agentdb.query.type';
export const QUERY_TEXT = 'agentdb.query.text';
export const QUERY_RESULTS_COUNT = 'agentdb.query.results_count';
export const THOUGHT_CONTENT = 'agentdb.thought.content';
export const THOUGHT_CONFIDENCE = 'agentdb.thought.confidence';
export const ERROR_MESSAGE = 'agentdb.error.message';
export const ERROR_RECOVERABLE = 'agentdb.error.recoverable';
export const CUSTOM_DATA = 'agentdb.custom.data';

/** Span names of the trace types without a GenAI operation (a custom trace's span takes its name). */
export const SPAN_NAMES = {
  decision: 'agentdb.decision',
  query: 'agentdb.query',
  thought: 'agentdb.thought',
  error: 'agentdb.error',
} as const;

/** The instrumentation scope of exported spans. */
export const SCOPE_NAME = '@agentdb/otel';
