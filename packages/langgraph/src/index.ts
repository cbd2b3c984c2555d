export { AgentDBSaver, type AgentDBSaverOptions } from './agentdb-saver.js';
export { CHECKPOINT_EVENT, type CheckpointEventPayload } from './checkpoint-event.js';
export {
  AgentDBStore,
  type AgentDBStoreOptions,
  DEFAULT_STORE_RUN,
  STORE_TAG,
  type StoreTtlConfig,
} from './store/agentdb-store.js';
export type { EmbeddingsLike, EmbedFunction, StoreIndexConfig } from './store/store-index.js';
export type { StoreOperation, TtlPutOperation } from './store/store-operations.js';
export { threadIdOfRun, threadRunId } from './thread-ids.js';
export { THREAD_TAG } from './thread-runs.js';
export { LANGGRAPH_TAG, LANGGRAPH_TAG_NAME } from './type-tag.js';
export type { ThreadVerification } from './verify-thread.js';
