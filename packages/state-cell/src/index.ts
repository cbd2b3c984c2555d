// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export { StateCell } from './state-cell.js';
export { StateCellView } from './state-cell-view.js';
export type { State, TransitionFn, TransitionOutcome } from './types.js';
