import type { TraceType, Value } from '@agentdb/primitives';

/** A small tool-result-like value, the same on every side of a comparison. */
export const KV_VALUE: Value = { text: 'tool result', n: 42, tags: ['a', 'b'] };

/** An event payload of the same size class. */
export const EVENT_PAYLOAD: Value = { tool: 'search', query: 'weather in Paris', ok: true };

/** A tool call as an agent records it (its type, time and root index entries, plus one per tag). */
export const TOOL_CALL_VALUE: TraceType = {
  type: 'tool_call',
  toolName: 'search',
  arguments: { query: 'weather in Paris' },
  result: { hits: 3 },
  durationMs: 12,
};
