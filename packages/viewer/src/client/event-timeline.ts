import type { ChainResult, EventRow, EventsPage } from '../shared/api-types.js';
import { getJson, runApi } from './api.js';
import { h, replace } from './dom.js';
import { formatTime, isoTime } from './format.js';

/** Events per page of the timeline. */
export const EVENTS_PER_PAGE = 100;

const fmt = (n: number) => n.toLocaleString('en-US');

/**
 * A run's event log as a paged table (sequence, time, type, payload preview, hash), with a
 * "Verify chain" action that shows the chain intact or marks its first bad sequence in red. A page
 * reads only its own events, so a 100,000-event log opens as fast as a short one. When the last page
 * is shown it follows the log as events are appended.
 *
 * @example
 * const timeline = new EventTimeline('triage-1'); panel.append(timeline.element); await timeline.refresh();
 */
export class EventTimeline {
  readonly element: HTMLElement;
  readonly #runId: string;
  readonly #verdict = h('div', { class: 'verdict', hidden: true });
  readonly #position = h('span', { class: 'position' });
  readonly #body = h('tbody');
  readonly #first = h('button', { type: 'button', class: 'first', title: 'first page' }, '⇤');
  readonly #prev = h('button', { type: 'button', class: 'prev', title: 'previous page' }, '←');
  readonly #next = h('button', { type: 'button', class: 'next', title: 'next page' }, '→');
  readonly #last = h('button', { type: 'button', class: 'last', title: 'last page' }, '⇥');
  readonly #goto = h('input', {
    type: 'number',
    min: 0,
    class: 'goto',
    placeholder: 'sequence',
    'aria-label': 'go to sequence',
  });
  readonly #open = new Set<number>();
  #start = 0;
  #length = 0;
  #loaded = false;
  #bad: number | undefined;
  #highlight: number | undefined;

  constructor(runId: string) {
    this.#runId = runId;
    this.#first.addEventListener('click', () => void this.#show(0));
    this.#prev.addEventListener('click', () => void this.#show(this.#start - EVENTS_PER_PAGE));
    this.#next.addEventListener('click', () => void this.#show(this.#start + EVENTS_PER_PAGE));
    this.#last.addEventListener('click', () => void this.#show(this.#lastStart()));
    const go = (e: Event) => {
      e.preventDefault();
      const seq = Number(this.#goto.value);
      if (Number.isSafeInteger(seq) && seq >= 0) void this.#jump(seq);
    };
    const verify = h('button', { type: 'button', class: 'verify' }, 'Verify chain');
    verify.addEventListener('click', () => void this.#verify(verify));
    this.element = h(
      'div',
      { class: 'timeline' },
      h(
        'div',
        { class: 'toolbar' },
        verify,
        h('nav', { class: 'pager' }, this.#first, this.#prev, this.#position, this.#next, this.#last),
        h('form', { class: 'goto-form', onsubmit: go }, this.#goto, h('button', { type: 'submit' }, 'Go')),
      ),
      this.#verdict,
      h(
        'table',
        { class: 'events' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['#', 'Time', 'Type', 'Payload', 'Hash'].map((c) => h('th', null, c)),
          ),
        ),
        this.#body,
      ),
    );
  }

  #lastStart(): number {
    return Math.max(0, Math.floor((this.#length - 1) / EVENTS_PER_PAGE) * EVENTS_PER_PAGE);
  }

  /** Re-reads the page shown; on the last page, moves on with the log as it grows. */
  async refresh(): Promise<void> {
    const following = this.#loaded && this.#start + EVENTS_PER_PAGE >= this.#length;
    const page = await this.#load(this.#start);
    if (following && page.length > this.#start + EVENTS_PER_PAGE) await this.#show(this.#lastStart());
  }

  async #show(start: number): Promise<void> {
    await this.#load(Math.max(0, Math.min(start, this.#lastStart())));
  }

  async #jump(sequence: number): Promise<void> {
    this.#highlight = sequence;
    await this.#show(Math.floor(sequence / EVENTS_PER_PAGE) * EVENTS_PER_PAGE);
    this.#body.querySelector(`tr[data-seq="${sequence}"]`)?.scrollIntoView({ block: 'center' });
  }

  async #load(start: number): Promise<EventsPage> {
    const page = await getJson<EventsPage>(runApi(this.#runId, 'events'), { start, limit: EVENTS_PER_PAGE });
    this.#start = page.start;
    this.#length = page.length;
    this.#loaded = true;
    const end = page.start + page.events.length;
    this.#position.textContent =
      page.length === 0
        ? 'no events'
        : `${fmt(page.start)}–${fmt(Math.max(page.start, end - 1))} of ${fmt(page.length)}`;
    this.#first.disabled = this.#prev.disabled = page.start === 0;
    this.#next.disabled = this.#last.disabled = end >= page.length;
    replace(
      this.#body,
      page.events.length === 0
        ? h('tr', null, h('td', { colspan: 5, class: 'empty' }, 'This run has no events.'))
        : page.events.map((e) => this.#row(e)),
    );
    for (const seq of this.#open) if (seq >= page.start && seq < end) await this.#expand(seq);
    return page;
  }

  #row(e: EventRow): HTMLTableRowElement {
    const bad = e.error !== undefined || e.sequence === this.#bad;
    const cls = ['event-row', bad ? 'bad' : '', e.sequence === this.#highlight ? 'highlight' : '']
      .join(' ')
      .trim();
    const row = h(
      'tr',
      { class: cls, 'data-seq': e.sequence, title: 'show the whole event' },
      h('td', { class: 'num seq' }, String(e.sequence)),
      h(
        'td',
        { class: 'time', title: e.timestamp === undefined ? null : isoTime(e.timestamp) },
        formatTime(e.timestamp),
      ),
      h('td', { class: 'etype' }, e.eventType ?? '?'),
      h('td', { class: 'payload mono' }, e.error ?? e.payload?.line ?? ''),
      h(
        'td',
        { class: 'hash mono', title: e.hash ?? null },
        e.hash === undefined ? '' : `${e.hash.slice(0, 12)}…`,
      ),
    );
    row.addEventListener('click', () => {
      if (this.#open.delete(e.sequence))
        this.#body.querySelector(`tr[data-detail="${e.sequence}"]`)?.remove();
      else {
        this.#open.add(e.sequence);
        void this.#expand(e.sequence);
      }
    });
    return row;
  }

  async #expand(sequence: number): Promise<void> {
    const row = this.#body.querySelector(`tr[data-seq="${sequence}"]`);
    if (row === null || row.nextElementSibling?.classList.contains('event-detail')) return;
    const e = await getJson<EventRow>(runApi(this.#runId, 'events', String(sequence)));
    const item = (name: string, value: string) =>
      h('div', null, h('b', null, `${name} `), h('span', { class: 'mono' }, value));
    row.after(
      h(
        'tr',
        { class: 'event-detail', 'data-detail': sequence },
        h(
          'td',
          { colspan: 5 },
          e.error === undefined
            ? [
                item('hash', e.hash ?? ''),
                item('prevHash', e.prevHash ?? ''),
                h('pre', { class: 'value' }, e.payload?.full ?? e.payload?.line ?? ''),
              ]
            : h('p', { class: 'error-text' }, e.error),
        ),
      ),
    );
  }

  async #verify(button: HTMLButtonElement): Promise<void> {
    button.disabled = true;
    this.#verdict.hidden = false;
    this.#verdict.className = 'verdict';
    this.#verdict.textContent = 'Verifying the chain…';
    try {
      const v = await getJson<ChainResult>(runApi(this.#runId, 'verify'));
      if (v.valid) {
        this.#bad = undefined;
        this.#verdict.className = 'verdict ok';
        this.#verdict.textContent = `Chain intact: ${fmt(v.length)} events verified (SHA-256, from sequence 0).`;
        await this.#load(this.#start);
        return;
      }
      this.#bad = v.firstInvalid;
      this.#verdict.className = 'verdict broken';
      replace(
        this.#verdict,
        v.firstInvalid === undefined
          ? `Chain broken: ${v.error ?? 'unknown problem'}`
          : [
              'Chain broken at sequence ',
              h('b', { class: 'bad-seq' }, String(v.firstInvalid)),
              `: ${v.error ?? ''} (${fmt(v.length)} events intact before it) `,
              h(
                'button',
                { type: 'button', class: 'show-bad', onclick: () => void this.#jump(v.firstInvalid!) },
                `Show #${v.firstInvalid}`,
              ),
            ],
      );
      if (v.firstInvalid !== undefined) await this.#jump(v.firstInvalid);
    } finally {
      button.disabled = false;
    }
  }
}
