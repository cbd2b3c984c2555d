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
