export { StateCell } from './state-cell.js';
export { StateCellView } from './state-cell-view.js';
export type { State, TransitionFn, TransitionOutcome } from './types.js';
