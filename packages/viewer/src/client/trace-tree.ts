import type { TraceDetail, TraceEssentials, TracePage, TraceRow } from '../shared/api-types.js';
import { getJson, runApi } from './api.js';
import { type Child, h, replace } from './dom.js';
import { formatDuration, formatTime, isoTime } from './format.js';
import { tagChips } from './run-table.js';

/** Traces fetched per page of one tree level. */
const PAGE = 200;
/** "Expand all" stops after opening this many traces, so a 10,000-trace run stays responsive. */
const EXPAND_ALL_LIMIT = 2000;

/** A loaded level of the tree: its trace ids in order and the cursor of its next page. */
interface Level {
  ids: string[];
  next?: string;
}

/** The essentials of a trace as one line of text and markup. */
function essentialsOf(e: TraceEssentials): Child[] {
  switch (e.kind) {
    case 'tool_call':
      return [
        h('b', { class: 'tool' }, e.toolName),
        h('span', { class: 'args' }, `(${e.arguments})`),
        e.result === undefined ? null : [' → ', h('span', { class: 'result' }, e.result)],
        e.durationMs === undefined ? null : h('span', { class: 'duration' }, formatDuration(e.durationMs)),
      ];
    case 'decision':
      return [
        h('span', { class: 'question' }, e.question),
        ' → ',
        h('b', { class: 'chosen', title: `options: ${e.options.join(', ')}` }, e.chosen),
        e.reasoning === undefined ? null : h('span', { class: 'dim' }, ` (${e.reasoning})`),
      ];
    case 'query':
      return [
        h('span', { class: 'dim' }, `${e.queryType}: `),
        e.query,
        e.resultsCount === undefined ? null : h('span', { class: 'dim' }, ` (${e.resultsCount} results)`),
      ];
    case 'thought':
      return [
        h('i', { class: 'thought' }, e.content),
        e.confidence === undefined ? null : h('span', { class: 'dim' }, ` confidence ${e.confidence}`),
      ];
    case 'error':
      return [
        h('span', { class: 'error-text' }, h('b', null, e.errorType), `: ${e.message}`),
        h('span', { class: 'dim' }, e.recoverable ? ' (recoverable)' : ' (not recoverable)'),
      ];
    case 'custom':
      return [h('span', { class: 'dim' }, e.data)];
  }
}

function timeOfDay(ms: number): string {
  return formatTime(ms).slice(11);
}

/**
 * A run's traces as a collapsible tree beside a details panel. Levels load a page at a time (roots,
 * then the children of a trace when it is expanded), so a run with 10,000 traces opens at once.
 *
 * @example
 * const tree = new TraceTree('triage-1'); panel.append(tree.element); await tree.refresh();
 */
export class TraceTree {
  readonly element: HTMLElement;
  readonly #runId: string;
  readonly #lines = h('div', { class: 'trace-lines', role: 'tree' });
  readonly #details = h(
    'aside',
    { class: 'trace-details' },
    h('p', { class: 'dim' }, 'Select a trace to see all its fields.'),
  );
  readonly #rows = new Map<string, TraceRow>();
  readonly #levels = new Map<string | undefined, Level>();
  readonly #expanded = new Set<string>();
  #selected: string | undefined;

  constructor(runId: string) {
    this.#runId = runId;
    const tools = h(
      'div',
      { class: 'toolbar' },
      h(
        'button',
        { type: 'button', class: 'expand-all', onclick: () => void this.#expandAll() },
        'Expand all',
      ),
      h(
        'button',
        { type: 'button', class: 'collapse-all', onclick: () => this.#collapseAll() },
        'Collapse all',
      ),
    );
    this.element = h(
      'div',
      { class: 'trace-tree' },
      h('div', { class: 'trace-main' }, tools, this.#lines),
      this.#details,
    );
  }

  async #fetch(parent: string | undefined, after: string | undefined, limit = PAGE): Promise<TracePage> {
    const path =
      parent === undefined
        ? runApi(this.#runId, 'traces')
        : runApi(this.#runId, 'traces', parent, 'children');
    return getJson<TracePage>(path, { limit, after });
  }

  #store(parent: string | undefined, page: TracePage, append: boolean): void {
    const level = append ? (this.#levels.get(parent) ?? { ids: [] }) : { ids: [] };
    for (const t of page.traces) {
      this.#rows.set(t.id, t);
      level.ids.push(t.id);
    }
    if (page.next === undefined) delete level.next;
    else level.next = page.next;
    this.#levels.set(parent, level);
  }

  /**
   * Loads the tree, or re-reads what is shown (every loaded level, expanded traces and the selected
   * trace's details), keeping what is open.
   */
  async refresh(): Promise<void> {
    const reload = async (parent: string | undefined) => {
      const shown = this.#levels.get(parent)?.ids.length ?? 0;
      this.#store(parent, await this.#fetch(parent, undefined, Math.min(1000, Math.max(PAGE, shown))), false);
    };
    await reload(undefined);
    for (const id of [...this.#expanded]) await reload(id);
    this.#render();
    if (this.#selected !== undefined) await this.#showDetails(this.#selected);
  }

  async #toggle(id: string): Promise<void> {
    if (this.#expanded.delete(id)) return this.#render();
    if (!this.#levels.has(id)) this.#store(id, await this.#fetch(id, undefined), false);
    this.#expanded.add(id);
    this.#render();
  }

  async #loadMore(parent: string | undefined): Promise<void> {
    const level = this.#levels.get(parent);
    if (level?.next === undefined) return;
    this.#store(parent, await this.#fetch(parent, level.next), true);
    this.#render();
  }

  async #expandAll(): Promise<void> {
    let opened = 0;
    const queue = [...(this.#levels.get(undefined)?.ids ?? [])];
    while (queue.length > 0 && opened < EXPAND_ALL_LIMIT) {
      const id = queue.shift()!;
      if (!this.#rows.get(id)?.hasChildren) continue;
      if (!this.#levels.has(id)) this.#store(id, await this.#fetch(id, undefined), false);
      this.#expanded.add(id);
      opened++;
      queue.push(...(this.#levels.get(id)?.ids ?? []));
    }
    this.#render();
  }

  #collapseAll(): void {
    this.#expanded.clear();
    this.#render();
  }

  async #select(id: string): Promise<void> {
    this.#selected = id;
    for (const el of this.#lines.querySelectorAll('.trace-line.selected')) el.classList.remove('selected');
    this.#lines.querySelector(`.trace-line[data-trace="${CSS.escape(id)}"]`)?.classList.add('selected');
    await this.#showDetails(id);
  }

  async #showDetails(id: string): Promise<void> {
    const d = await getJson<TraceDetail>(runApi(this.#runId, 'traces', id));
    const field = (name: string, value: Child) => h('tr', null, h('th', null, name), h('td', null, value));
    replace(
      this.#details,
      h(
        'h3',
        null,
        h('span', { class: `ttype ttype-${d.row.essentials.kind}` }, d.row.typeName),
        ' ',
        h('span', { class: 'mono' }, d.row.id),
      ),
      h(
        'table',
        { class: 'fields' },
        field('id', h('span', { class: 'mono' }, d.row.id)),
        field(
          'parent',
          d.row.parentId === undefined ? '– (a root)' : h('span', { class: 'mono' }, d.row.parentId),
        ),
        field('time', h('span', { title: isoTime(d.row.timestamp) }, formatTime(d.row.timestamp))),
        field('type', d.row.typeName),
        field('tags', d.row.tags.length === 0 ? '–' : tagChips(d.row.tags)),
        d.fields.map((f) => field(f.name, h('pre', { class: 'value' }, f.value.full ?? f.value.line))),
        field('metadata', h('pre', { class: 'value' }, d.metadata.full ?? d.metadata.line)),
      ),
    );
  }

  #line(row: TraceRow, depth: number): HTMLElement {
    const open = this.#expanded.has(row.id);
    const caret = row.hasChildren
      ? h(
          'button',
          {
            type: 'button',
            class: 'caret',
            'aria-label': open ? 'collapse' : 'expand',
            'aria-expanded': String(open),
          },
          open ? '▾' : '▸',
        )
      : h('span', { class: 'caret leaf' }, '·');
    caret.addEventListener('click', (e) => {
      e.stopPropagation();
      void this.#toggle(row.id);
    });
    return h(
      'div',
      {
        class: `trace-line kind-${row.essentials.kind}${this.#selected === row.id ? ' selected' : ''}`,
        role: 'treeitem',
        'data-trace': row.id,
        'data-depth': depth,
        'aria-expanded': row.hasChildren ? String(open) : null,
        style: `padding-left: ${depth * 1.25 + 0.25}rem`,
        onclick: () => void this.#select(row.id),
      },
      caret,
      h('span', { class: `ttype ttype-${row.essentials.kind}` }, row.typeName),
      h('span', { class: 'essentials' }, essentialsOf(row.essentials)),
      row.tags.length === 0 ? null : tagChips(row.tags),
      h('span', { class: 'ttime', title: isoTime(row.timestamp) }, timeOfDay(row.timestamp)),
    );
  }

  #render(): void {
    const out: HTMLElement[] = [];
    const walk = (parent: string | undefined, depth: number) => {
      const level = this.#levels.get(parent);
      if (level === undefined) return;
      for (const id of level.ids) {
        const row = this.#rows.get(id);
        if (row === undefined) continue;
        out.push(this.#line(row, depth));
        if (this.#expanded.has(id)) walk(id, depth + 1);
      }
      if (level.next !== undefined) {
        out.push(
          h(
            'button',
            {
              type: 'button',
              class: 'load-more',
              style: `margin-left: ${depth * 1.25 + 1.5}rem`,
              onclick: () => void this.#loadMore(parent),
            },
            parent === undefined ? 'Load more traces…' : 'Load more children…',
          ),
        );
      }
    };
    walk(undefined, 0);
    replace(this.#lines, out.length === 0 ? h('p', { class: 'empty' }, 'This run has no traces.') : out);
  }
}
