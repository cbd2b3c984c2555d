import type { KvPage } from '../shared/api-types.js';
import { getJson, runApi } from './api.js';
import { h, replace } from './dom.js';
import { formatDuration, formatTime, isoTime } from './format.js';

/** KV entries per page. */
const PAGE = 100;

/**
 * Updates every countdown on the page once a second: `in 9m 58s`, then `expired` (the entry itself
 * disappears at the next refresh, as reads treat it as absent from that moment).
 */
function tickCountdowns(): void {
  const now = Date.now();
  for (const el of document.querySelectorAll<HTMLElement>('[data-expires]')) {
    const left = Number(el.dataset.expires) - now;
    el.textContent = left > 0 ? `in ${formatDuration(left)}` : 'expired';
    el.classList.toggle('expired', left <= 0);
  }
}
let ticking = false;

/**
 * A run's KV entries in key order, a page at a time, with each entry's expiry and a live countdown.
 *
 * @example
 * const kv = new KvTable('triage-1'); panel.append(kv.element); await kv.refresh();
 */
export class KvTable {
  readonly element: HTMLElement;
  readonly #runId: string;
  readonly #body = h('tbody');
  readonly #prev = h('button', { type: 'button', class: 'prev' }, '← Previous');
  readonly #next = h('button', { type: 'button', class: 'next' }, 'Next →');
  readonly #previous: (string | undefined)[] = [];
  #after: string | undefined;
  #nextCursor: string | undefined;

  constructor(runId: string) {
    this.#runId = runId;
    this.#next.addEventListener('click', () => {
      this.#previous.push(this.#after);
      this.#after = this.#nextCursor;
      void this.refresh();
    });
    this.#prev.addEventListener('click', () => {
      this.#after = this.#previous.pop();
      void this.refresh();
    });
    this.element = h(
      'div',
      { class: 'kv' },
      h(
        'table',
        { class: 'kv-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Key', 'Value', 'Expires', ''].map((c) => h('th', null, c)),
          ),
        ),
        this.#body,
      ),
      h('nav', { class: 'pager' }, this.#prev, this.#next),
    );
    if (!ticking) {
      ticking = true;
      setInterval(tickCountdowns, 1000);
    }
  }

  /** Reads the page shown again. */
  async refresh(): Promise<void> {
    const page = await getJson<KvPage>(runApi(this.#runId, 'kv'), { limit: PAGE, after: this.#after });
    this.#nextCursor = page.next;
    this.#prev.disabled = this.#previous.length === 0;
    this.#next.disabled = page.next === undefined;
    replace(
      this.#body,
      page.entries.length === 0
        ? h('tr', null, h('td', { colspan: 4, class: 'empty' }, 'No live KV entries.'))
        : page.entries.map((e) =>
            h(
              'tr',
              { 'data-key': e.key },
              h('td', { class: 'mono key' }, e.key),
              h('td', null, h('pre', { class: 'value' }, e.value.full ?? e.value.line)),
              h(
                'td',
                { class: 'time', title: e.expiresAt === undefined ? null : isoTime(e.expiresAt) },
                e.expiresAt === undefined ? 'never' : formatTime(e.expiresAt),
              ),
              h(
                'td',
                { class: 'countdown' },
                e.expiresAt === undefined ? null : h('span', { 'data-expires': e.expiresAt }, ''),
              ),
            ),
          ),
    );
    tickCountdowns();
  }
}
