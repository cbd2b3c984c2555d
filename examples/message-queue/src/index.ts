export { DEFAULT_CAPACITY, MAX_TAKE } from './arguments.js';
export {
  MESSAGE_QUEUE_TAG,
  MESSAGE_QUEUE_TAG_NAME,
  messageQueueRange,
  RECORD_OVERHEAD_BYTES,
  registerMessageQueueTag,
} from './layout.js';
export { MessageQueue } from './message-queue.js';
export { MessageQueueView } from './message-queue-view.js';
export {
  isQueueFull,
  type MessageQueueOptions,
  type QueuedMessage,
  QueueFullError,
  type TakeOptions,
} from './types.js';
