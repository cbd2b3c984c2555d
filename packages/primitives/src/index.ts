// The whole AgentDB surface from one import: core, engine, the five primitives, and AgentDB.
// Names two packages both export are re-exported once, under the name of the lower layer.
export * from '@agentdb/core';
export * from '@agentdb/engine';
export * from '@agentdb/event-log';
export {
  type KVEntry,
  KVStore,
  type KVView,
  type ListOptions as KVListOptions,
  type PutOptions as KVPutOptions,
} from '@agentdb/kv';
export * from '@agentdb/run-index';
export * from '@agentdb/state-cell';
export * from '@agentdb/trace-store';
export { AgentDB, type AgentTransaction } from './agent-db.js';
