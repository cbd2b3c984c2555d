import type { StatePage } from '../shared/api-types.js';
import { getJson, runApi } from './api.js';
import { h, replace } from './dom.js';
import { formatTime, isoTime } from './format.js';

/**
 * A run's state cells with their versions, update times and values.
 *
 * @example
 * const state = new StateTable('triage-1'); panel.append(state.element); await state.refresh();
 */
export class StateTable {
  readonly element: HTMLElement;
  readonly #runId: string;
  readonly #body = h('tbody');

  constructor(runId: string) {
    this.#runId = runId;
    this.element = h(
      'table',
      { class: 'state-table' },
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          ['Cell', 'Version', 'Updated', 'Value'].map((c) => h('th', null, c)),
        ),
      ),
      this.#body,
    );
  }

  /** Reads the cells again. */
  async refresh(): Promise<void> {
    const { cells } = await getJson<StatePage>(runApi(this.#runId, 'state'));
    replace(
      this.#body,
      cells.length === 0
        ? h('tr', null, h('td', { colspan: 4, class: 'empty' }, 'No state cells.'))
        : cells.map((c) =>
            h(
              'tr',
              { 'data-cell': c.name },
              h('td', { class: 'mono' }, c.name),
              h('td', { class: 'num version' }, `v${c.version}`),
              h('td', { class: 'time', title: isoTime(c.updatedAt) }, formatTime(c.updatedAt)),
              h('td', null, h('pre', { class: 'value' }, c.value.full ?? c.value.line)),
            ),
          ),
    );
  }
}
