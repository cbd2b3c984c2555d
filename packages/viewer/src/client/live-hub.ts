import type { ChangeMessage } from '../shared/api-types.js';

/** What a page hears from the live feed: a commit, or a reconnect after which it should re-read all. */
export type LiveMessage = ChangeMessage | 'reconnected';

/**
 * Fans the live feed out to the parts of a page (header, tabs) that each refresh what they show.
 *
 * @example
 * hub.on((msg) => msg === 'reconnected' || msg.runIds.includes(runId) ? refresh() : undefined);
 */
export class LiveHub {
  readonly #handlers = new Set<(msg: LiveMessage) => void>();

  /** Calls `handler` for every message until the returned function is called. */
  on(handler: (msg: LiveMessage) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  /** Delivers one message to every handler. */
  emit(msg: LiveMessage): void {
    for (const handler of this.#handlers) handler(msg);
  }
}

/**
 * Whether `msg` may change what a page showing `runIds` displays: the run index changed, or the
 * data of one of those runs, or the feed reconnected (anything may have changed).
 *
 * @example
 * if (touches(msg, [runId])) refresh();
 */
export function touches(msg: LiveMessage, runIds: Iterable<string>, runIndexMatters = true): boolean {
  if (msg === 'reconnected') return true;
  if (runIndexMatters && msg.runIndex) return true;
  for (const id of runIds) if (msg.runIds.includes(id)) return true;
  return false;
}
