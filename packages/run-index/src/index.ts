// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export { isValidTransition, RUN_RECORD_FIELDS } from './arguments.js';
export { RunIndex } from './run-index.js';
export { RunIndexView } from './run-index-view.js';
export {
  type CreateRunOptions,
  type DeleteRunOptions,
  isRunStatus,
  type RestoreRunOptions,
  RUN_STATUSES,
  type RunMetadata,
  type RunQuery,
  type RunStatus,
  type UpdateStatusOptions,
} from './types.js';
