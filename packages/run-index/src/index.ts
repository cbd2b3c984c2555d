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
