// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export type { State, TransitionFn, TransitionOutcome } from './state.js';
export { StateCell } from './state-cell.js';
export { StateCellView } from './state-cell-view.js';
