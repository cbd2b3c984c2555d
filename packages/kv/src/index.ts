export { KVStore } from './kv-store.js';
export type { KVView } from './kv-view.js';
export type { KVEntry, ListOptions, PutOptions } from './types.js';
