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
