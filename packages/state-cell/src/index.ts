export type { State, TransitionFn, TransitionOutcome } from './state.js';
export { StateCell } from './state-cell.js';
export { StateCellView } from './state-cell-view.js';
