// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export { MAX_TAGS, validateTraceType } from './arguments.js';
export { cursorOf, typeName } from './layout.js';
export { TraceStore } from './trace-store.js';
export { TraceStoreView } from './trace-store-view.js';
export {
  BUILTIN_TRACE_TYPES,
  type BuiltinTraceTypeName,
  type PageOptions,
  type RecordChildOptions,
  type RecordOptions,
  type Trace,
  type TraceTree,
  type TraceType,
} from './types.js';
