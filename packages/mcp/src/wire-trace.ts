import { type Trace, type TraceTree, type TraceType, validateTraceType } from '@agentdb/primitives';
import { z } from 'zod';
import type { TypedJson } from './typed-json.js';
import { optionalValueFromWire, valueFromWire, valueSchema, valueToWire } from './wire-value.js';

/**
 * What a trace records, in snake_case: one object per step kind, told apart by `type`. The same
 * schema describes arguments and results.
 */
export const traceTypeSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('tool_call'),
      tool_name: z.string(),
      arguments: valueSchema('The arguments the tool was called with'),
      result: valueSchema('What the tool returned').optional(),
      duration_ms: z.number().optional(),
    }),
    z.strictObject({
      type: z.literal('decision'),
      question: z.string(),
      options: z.array(z.string()),
      chosen: z.string(),
      reasoning: z.string().optional(),
    }),
    z.strictObject({
      type: z.literal('query'),
      query_type: z.string().describe('e.g. "web", "sql", "vector"'),
      query: z.string(),
      results_count: z.number().optional(),
    }),
    z.strictObject({
      type: z.literal('thought'),
      content: z.string(),
      confidence: z.number().optional().describe('0 to 1'),
    }),
    z.strictObject({
      type: z.literal('error'),
      error_type: z.string(),
      message: z.string(),
      recoverable: z.boolean(),
    }),
    z.strictObject({
      type: z.literal('custom'),
      name: z.string().describe('Your own step kind; traces_query finds it by this name'),
      data: valueSchema('The step'),
    }),
  ])
  .describe('The step: tool_call, decision, query, thought, error, or custom (with your own name)');

/** A trace argument as the schema hands it over. */
export type WireTraceType = z.infer<typeof traceTypeSchema>;

/** A trace as tools return it. */
export const traceSchema = z.object({
  id: z.string(),
  parent_id: z.string().optional(),
  trace: traceTypeSchema,
  timestamp: z.number().describe('ms since the epoch'),
  tags: z.array(z.string()),
  metadata: valueSchema('What the trace was recorded with'),
});

/** The wire form of `traceSchema`. */
export type WireTrace = z.infer<typeof traceSchema>;

/** A trace with its descendants: the trace's own fields plus `children`. */
export type WireTraceTree = WireTrace & { children: WireTraceTree[] };

/** A trace tree as tools return it (recursive). */
export const traceTreeSchema: z.ZodType<WireTraceTree> = traceSchema.extend({
  get children() {
    return z.array(traceTreeSchema);
  },
});

/**
 * The `TraceType` a wire argument stands for (camelCase fields, values decoded), checked by
 * AgentDB's own validator.
 *
 * @example
 * traceTypeFromWire({ type: 'tool_call', tool_name: 'search', arguments: { q: 'x' } });
 * // { type: 'tool_call', toolName: 'search', arguments: { q: 'x' } }
 */
export function traceTypeFromWire(t: WireTraceType, field = 'trace'): TraceType {
  switch (t.type) {
    case 'tool_call':
      return validateTraceType({
        type: t.type,
        toolName: t.tool_name,
        arguments: valueFromWire(t.arguments, `${field}.arguments`),
        result: optionalValueFromWire(t.result, `${field}.result`),
        durationMs: t.duration_ms,
      });
    case 'query':
      return validateTraceType({
        type: t.type,
        queryType: t.query_type,
        query: t.query,
        resultsCount: t.results_count,
      });
    case 'error':
      return validateTraceType({
        type: t.type,
        errorType: t.error_type,
        message: t.message,
        recoverable: t.recoverable,
      });
    case 'custom':
      return validateTraceType({ type: t.type, name: t.name, data: valueFromWire(t.data, `${field}.data`) });
    default:
      // decision and thought have no renamed or value fields.
      return validateTraceType(t);
  }
}

/**
 * The wire form of a `TraceType` (snake_case fields, values in typed JSON).
 *
 * @example
 * traceTypeToWire({ type: 'query', queryType: 'web', query: 'q' }); // { type: 'query', query_type: 'web', query: 'q' }
 */
export function traceTypeToWire(t: TraceType): WireTraceType {
  const opt = <K extends string, V>(key: K, v: V | undefined) =>
    (v === undefined ? {} : { [key]: v }) as Partial<Record<K, V>>;
  switch (t.type) {
    case 'tool_call':
      return {
        type: t.type,
        tool_name: t.toolName,
        arguments: valueToWire(t.arguments),
        ...opt('result', t.result === undefined ? undefined : valueToWire(t.result)),
        ...opt('duration_ms', t.durationMs),
      };
    case 'query':
      return {
        type: t.type,
        query_type: t.queryType,
        query: t.query,
        ...opt('results_count', t.resultsCount),
      };
    case 'error':
      return { type: t.type, error_type: t.errorType, message: t.message, recoverable: t.recoverable };
    case 'custom':
      return { type: t.type, name: t.name, data: valueToWire(t.data) };
    default:
      return t;
  }
}

/**
 * A trace in snake_case.
 *
 * @example
 * traceToWire((await db.traces.get(runId, id))!);
 */
export function traceToWire(t: Trace): WireTrace {
  return {
    id: t.id,
    ...(t.parentId === undefined ? {} : { parent_id: t.parentId }),
    trace: traceTypeToWire(t.traceType),
    timestamp: t.timestamp,
    tags: t.tags,
    metadata: valueToWire(t.metadata) satisfies TypedJson,
  };
}

/**
 * A trace tree in snake_case: each node is the trace's fields plus `children`.
 *
 * @example
 * treeToWire((await db.traces.getTree(runId, rootId))!);
 */
export function treeToWire(tree: TraceTree): WireTraceTree {
  return { ...traceToWire(tree.trace), children: tree.children.map(treeToWire) };
}
