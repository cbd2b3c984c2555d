import { registerTypeTag } from '@agentdb/core';

/**
 * The TypeTag this extension owns. Extensions take codes in 0x10–0xFF (docs/architecture.md, type tags); every key the
 * queue writes starts `(run, 0x10, …)`, so it lives inside its run's range and nowhere else.
 */
export const MESSAGE_QUEUE_TAG = 0x10;

/** The name the tag is registered under. */
export const MESSAGE_QUEUE_TAG_NAME = 'message-queue';

/**
 * Registers TypeTag 0x10 as `message-queue` in this process. Importing the package already does it;
 * calling it again is harmless (registering the very same pair twice is allowed). Throws
 * `ALREADY_EXISTS` if 0x10 or the name was registered as something else first.
 *
 * @example
 * registerMessageQueueTag();
 * Key.of(MESSAGE_QUEUE_TAG, 'run-1', 'tail', 'jobs'); // a key under the queue's tag
 */
export function registerMessageQueueTag(): void {
  registerTypeTag(MESSAGE_QUEUE_TAG, MESSAGE_QUEUE_TAG_NAME);
}

// At module load: `Key.of(0x10, …)` refuses an unregistered tag, so the tag must exist before any key.
registerMessageQueueTag();
