// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export { KVStore } from './kv-store.js';
export type { KVView } from './kv-view.js';
export type { KVEntry, ListOptions, PutOptions } from './types.js';
