export { KVStore } from './kv-store.js';
export type { KVView } from './kv-view.js';
export type { ListOptions, PutOptions } from './options.js';
export type { KVEntry } from './reads.js';
