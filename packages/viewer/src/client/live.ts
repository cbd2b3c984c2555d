import type { ChangeMessage } from '../shared/api-types.js';
import { h } from './dom.js';

/**
 * Follows the server's change stream (`/api/changes`, server-sent events) and calls `onChange` for
 * every message; returns the indicator showing whether the page is live. EventSource reconnects by
 * itself; after a reconnect `onChange` is called with `reconnected` so the page re-reads everything
 * it may have missed.
 *
 * @example
 * header.append(connectLive((msg) => { if (msg === 'reconnected' || msg.runIds.includes(runId)) refresh(); }));
 */
export function connectLive(onChange: (msg: ChangeMessage | 'reconnected') => void): HTMLElement {
  const indicator = h('span', { class: 'live off', title: 'connecting to the live feed' }, 'connecting…');
  const source = new EventSource('/api/changes');
  let wasOpen = false;
  source.addEventListener('open', () => {
    indicator.className = 'live on';
    indicator.textContent = 'live';
    indicator.title = 'updates as any process writes to the database';
    if (wasOpen) onChange('reconnected');
    wasOpen = true;
  });
  source.addEventListener('error', () => {
    indicator.className = 'live off';
    indicator.textContent = 'reconnecting…';
    indicator.title = 'the live feed is interrupted; retrying';
  });
  source.addEventListener('commit', (e) =>
    onChange(JSON.parse((e as MessageEvent<string>).data) as ChangeMessage),
  );
  return indicator;
}

/**
 * Wraps an async refresh so that calls never overlap: a call while one runs schedules exactly one
 * more run after it. Errors are passed to `onError`.
 *
 * @example
 * const refresh = coalesce(() => loadPage(), showError);
 * refresh(); refresh(); // runs twice at most
 */
export function coalesce(fn: () => Promise<void>, onError: (error: unknown) => void): () => void {
  let running = false;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        try {
          await fn();
        } catch (error) {
          onError(error);
        }
      } while (again);
    } finally {
      running = false;
    }
  };
  return () => {
    void run();
  };
}
