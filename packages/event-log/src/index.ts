// Installed alone, this package is a working database: the engine it runs on, and the errors it throws.
export { AgentDBError, isAgentDBError, type Value } from '@agentdb/core';
export { Database, type DatabaseOptions } from '@agentdb/engine';
export { DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE, MAX_EVENT_TYPE_LENGTH } from './arguments.js';
export { EventLog } from './event-log.js';
export { EventLogView } from './event-log-view.js';
export {
  chainHash,
  GENESIS_HASH,
  HASH_LAYOUT_VERSION,
  type HashedFields,
  type HashPrefix,
  hashedBytes,
  hashPrefix,
} from './layout.js';
export type { AppendOptions, ChainVerification, Event, IterOptions } from './types.js';
