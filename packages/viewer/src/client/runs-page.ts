import type { RunStatusName, RunsPage } from '../shared/api-types.js';
import { getJson } from './api.js';
import { h, replace } from './dom.js';
import { coalesce } from './live.js';
import { type LiveHub, touches } from './live-hub.js';
import { runHref, runsTable } from './run-table.js';

const STATUSES: RunStatusName[] = ['active', 'paused', 'completed', 'failed', 'cancelled', 'archived'];

/** The filters of the runs page, kept in the URL so a reload or a shared link shows the same page. */
interface Filters {
  status?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
  parent?: string | undefined;
  after?: string | undefined;
}

/** Runs per page. */
const RUNS_PER_PAGE = 50;

const FILTER_NAMES = ['status', 'tag', 'q', 'parent', 'after'] as const;

function readFilters(): Filters {
  const params = new URLSearchParams(location.search);
  const f: Filters = {};
  for (const name of FILTER_NAMES) {
    const v = params.get(name);
    if (v !== null && v !== '') f[name] = v;
  }
  return f;
}

function writeFilters(f: Filters): void {
  const params = new URLSearchParams();
  for (const name of FILTER_NAMES) {
    const v = f[name];
    if (v !== undefined) params.set(name, v);
  }
  const qs = params.toString();
  history.replaceState(null, '', qs === '' ? '/' : `/?${qs}`);
}

/**
 * The runs page: every run with its status, name, tags, nesting, times, duration and counts per
 * primitive; filters by status and tag, search by id or name, pages of 50, live.
 *
 * @example
 * renderRunsPage(document.querySelector('main')!, hub);
 */
export function renderRunsPage(main: HTMLElement, hub: LiveHub): void {
  document.title = 'Runs · AgentDB';
  let filters = readFilters();
  // Cursors of the pages before this one, so "Previous" retraces them (the index pages forwards).
  const previous: (string | undefined)[] = [];
  let shown: string[] = [];

  const status = h(
    'select',
    { name: 'status', 'aria-label': 'status' },
    h('option', { value: '' }, 'any status'),
    STATUSES.map((s) => h('option', { value: s }, s)),
  );
  status.value = filters.status ?? '';
  const tag = h('input', {
    name: 'tag',
    type: 'search',
    placeholder: 'tag (exact)',
    'aria-label': 'tag',
    value: filters.tag ?? '',
  });
  const search = h('input', {
    name: 'q',
    type: 'search',
    placeholder: 'search id or name',
    'aria-label': 'search',
    value: filters.q ?? '',
  });
  const parentNote = h('span', { class: 'parent-filter' });
  const summary = h('p', { class: 'summary' });
  const tableHolder = h('div', { class: 'table-holder' });
  const prev = h('button', { type: 'button', class: 'prev' }, '← Previous');
  const next = h('button', { type: 'button', class: 'next' }, 'Next →');
  const error = h('p', { class: 'error-banner', hidden: true });
  let nextCursor: string | undefined;

  const load = async () => {
    const page = await getJson<RunsPage>('runs', { ...filters, limit: RUNS_PER_PAGE });
    error.hidden = true;
    nextCursor = page.next;
    shown = page.runs.map((r) => r.runId);
    replace(
      tableHolder,
      page.runs.length === 0 ? h('p', { class: 'empty' }, 'No runs match.') : runsTable(page.runs),
    );
    const filtered =
      filters.status !== undefined ||
      filters.tag !== undefined ||
      filters.q !== undefined ||
      filters.parent !== undefined;
    const first = previous.length * RUNS_PER_PAGE + 1;
    summary.textContent =
      page.runs.length === 0
        ? `${page.total.toLocaleString('en-US')} runs in the database`
        : `${filtered ? 'Matching runs' : 'Runs'} ${first.toLocaleString('en-US')}–${(first + page.runs.length - 1).toLocaleString('en-US')}${filters.after !== undefined && previous.length === 0 ? ' (after an earlier page)' : ''}, oldest first · ${page.total.toLocaleString('en-US')} runs in the database`;
    prev.disabled = filters.after === undefined;
    next.disabled = page.next === undefined;
  };
  const refresh = coalesce(load, (e) => {
    error.hidden = false;
    error.textContent = `Could not load the runs: ${e instanceof Error ? e.message : String(e)}`;
  });

  const apply = (change: Filters) => {
    filters = { ...change };
    for (const name of FILTER_NAMES)
      if (filters[name] === undefined || filters[name] === '') delete filters[name];
    writeFilters(filters);
    parentNote.replaceChildren(
      ...(filters.parent === undefined
        ? []
        : [
            'children of ',
            h('a', { href: runHref(filters.parent), class: 'mono' }, filters.parent),
            ' ',
            h('a', { href: '/', class: 'clear-parent' }, '(all runs)'),
          ]),
    );
    refresh();
  };
  const fromForm = (): Filters => ({
    status: status.value || undefined,
    tag: tag.value.trim() || undefined,
    q: search.value.trim() || undefined,
    parent: filters.parent,
  });
  const restart = () => {
    previous.length = 0;
    apply(fromForm());
  };
  let typing: number | undefined;
  const restartSoon = () => {
    clearTimeout(typing);
    typing = window.setTimeout(restart, 250);
  };
  status.addEventListener('change', restart);
  tag.addEventListener('input', restartSoon);
  search.addEventListener('input', restartSoon);
  next.addEventListener('click', () => {
    if (nextCursor === undefined) return;
    previous.push(filters.after);
    apply({ ...filters, after: nextCursor });
  });
  prev.addEventListener('click', () => {
    const after = previous.pop();
    apply({ ...filters, after });
  });

  replace(
    main,
    h('h1', null, 'Runs'),
    h('form', { class: 'filters', onsubmit: (e) => e.preventDefault() }, status, tag, search, parentNote),
    error,
    summary,
    tableHolder,
    h('nav', { class: 'pager' }, prev, next),
  );
  hub.on((msg) => {
    if (touches(msg, shown)) refresh();
  });
  apply(filters);
}
