// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export { cursorOf, type PageOptions } from './page.js';
export {
  MAX_TAGS,
  type RecordChildOptions,
  type RecordOptions,
  type Trace,
  type TraceTree,
} from './trace.js';
export { TraceStore, TraceStoreView } from './trace-store.js';
export {
  BUILTIN_TRACE_TYPES,
  type BuiltinTraceTypeName,
  type TraceType,
  typeName,
  validateTraceType,
} from './trace-type.js';
