export type * from './shared/api-types.js';
export { createViewer, DEFAULT_HOST, DEFAULT_PORT, type Viewer, type ViewerOptions } from './viewer.js';
