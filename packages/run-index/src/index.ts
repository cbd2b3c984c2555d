// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export {
  type CreateRunOptions,
  type DeleteRunOptions,
  type RestoreRunOptions,
  RUN_RECORD_FIELDS,
  type RunQuery,
  type UpdateStatusOptions,
} from './arguments.js';
export { RunIndex } from './run-index.js';
export { RunIndexView } from './run-index-view.js';
export type { RunMetadata } from './run-metadata.js';
export { isRunStatus, isValidTransition, RUN_STATUSES, type RunStatus } from './run-status.js';
