export { MessageQueue } from './message-queue.js';
export { MessageQueueView } from './message-queue-view.js';
export { isQueueFull, QueueFullError } from './queue-full-error.js';
export { messageQueueRange } from './queue-keys.js';
export { RECORD_OVERHEAD_BYTES } from './queue-record.js';
export type { MessageQueueOptions, QueuedMessage, TakeOptions } from './queued-message.js';
export { MESSAGE_QUEUE_TAG, MESSAGE_QUEUE_TAG_NAME, registerMessageQueueTag } from './type-tag.js';
export { DEFAULT_CAPACITY, MAX_TAKE } from './validate.js';
