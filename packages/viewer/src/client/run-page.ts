import type { RunDetail } from '../shared/api-types.js';
import { ApiError, getJson, runApi } from './api.js';
import { type Child, h, replace } from './dom.js';
import { EventTimeline } from './event-timeline.js';
import { formatCount, formatTime, isoTime, runDuration } from './format.js';
import { KvTable } from './kv-table.js';
import { coalesce } from './live.js';
import { type LiveHub, touches } from './live-hub.js';
import { renderNotFound } from './not-found.js';
import { runHref, runsTable, statusBadge, tagChips } from './run-table.js';
import { StateTable } from './state-table.js';
import { TraceTree } from './trace-tree.js';

/** The tabs of a run page, by their name in the URL's hash (`/runs/x#events`). */
const TABS = ['traces', 'events', 'kv', 'state', 'children', 'metadata'] as const;
type Tab = (typeof TABS)[number];
const TAB_LABELS: Record<Tab, string> = {
  traces: 'Traces',
  events: 'Events',
  kv: 'KV',
  state: 'State',
  children: 'Child runs',
  metadata: 'Metadata',
};

/** Something a tab shows that can be read again. */
interface Panel {
  element: HTMLElement;
  refresh(): Promise<void>;
}

function tabOf(hash: string): Tab {
  const name = hash.replace(/^#/, '');
  return (TABS as readonly string[]).includes(name) ? (name as Tab) : 'traces';
}

function header(d: RunDetail): HTMLElement {
  const run = d.run;
  const item = (name: string, value: Child, cls?: string) =>
    h(
      'div',
      { class: `meta-item${cls === undefined ? '' : ` ${cls}`}` },
      h('dt', null, name),
      h('dd', null, value),
    );
  const time = (ms: number) => h('span', { title: isoTime(ms) }, formatTime(ms));
  if (run === undefined) {
    return h(
      'header',
      { class: 'run-header' },
      h('h1', null, h('span', { class: 'mono run-id' }, d.runId)),
      h(
        'p',
        { class: 'dim no-record' },
        'This run id holds data but has no run-index record (no status, times or tags).',
      ),
    );
  }
  const duration = runDuration(run);
  return h(
    'header',
    { class: 'run-header' },
    h('h1', null, h('span', { class: 'mono run-id' }, run.runId), ' ', statusBadge(run.status)),
    run.name === undefined ? null : h('p', { class: 'run-title' }, run.name),
    run.error === undefined
      ? null
      : h('p', { class: 'run-error-banner' }, h('b', null, 'Error: '), run.error),
    h(
      'dl',
      { class: 'meta' },
      run.parentRunId === undefined
        ? null
        : item(
            'Parent',
            h('a', { href: runHref(run.parentRunId), class: 'mono parent-link' }, run.parentRunId),
          ),
      item('Created', time(run.createdAt)),
      item('Updated', time(run.updatedAt)),
      item('Completed', run.completedAt === undefined ? '–' : time(run.completedAt)),
      item('Duration', `${duration.text}${duration.running ? ' (running)' : ''}`),
      item('Tags', run.tags.length === 0 ? '–' : tagChips(run.tags)),
    ),
  );
}

function childrenPanel(runId: string): Panel & { show(d: RunDetail): void } {
  const element = h('div', { class: 'children' });
  const show = (d: RunDetail) => {
    const total = d.run?.children ?? d.children.length;
    replace(
      element,
      d.children.length === 0 ? h('p', { class: 'empty' }, 'No child runs.') : runsTable(d.children),
      total > d.children.length
        ? h(
            'p',
            null,
            h(
              'a',
              { href: `/?parent=${encodeURIComponent(runId)}` },
              `All ${formatCount(total, d.run?.childrenMore)} child runs →`,
            ),
          )
        : null,
    );
  };
  return { element, show, refresh: async () => show(await getJson<RunDetail>(runApi(runId))) };
}

function metadataPanel(): Panel & { show(d: RunDetail): void } {
  const element = h('div', { class: 'metadata' });
  const show = (d: RunDetail) => {
    const run = d.run;
    replace(
      element,
      run === undefined
        ? h('p', { class: 'empty' }, 'No run record, so no metadata.')
        : [
            h('h3', null, 'Metadata'),
            h('pre', { class: 'value' }, run.metadata.full ?? run.metadata.line),
            h('h3', null, 'Status history'),
            h(
              'ul',
              { class: 'history' },
              h('li', null, `${formatTime(run.createdAt)} — created (active)`),
              run.completedAt === undefined ? null : h('li', null, `${formatTime(run.completedAt)} — ended`),
              h('li', null, `${formatTime(run.updatedAt)} — last change; now `, statusBadge(run.status)),
            ),
            h(
              'p',
              { class: 'dim' },
              'The run index keeps the current status with its creation, completion and last-update times; it does not store each earlier status. Status changes an agent logs as events show in the timeline.',
            ),
          ],
    );
  };
  return { element, show, refresh: async () => {} };
}

/**
 * The page of one run: its record, then tabs for the trace tree, the event timeline, KV entries,
 * state cells, child runs and metadata. Everything shown updates live; a run the database does not
 * know gets the not-found page.
 *
 * @example
 * await renderRunPage(main, 'triage-1', hub);
 */
export async function renderRunPage(main: HTMLElement, runId: string, hub: LiveHub): Promise<void> {
  let detail: RunDetail;
  try {
    detail = await getJson<RunDetail>(runApi(runId));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return renderNotFound(main, error.message);
    throw error;
  }
  document.title = `${runId} · AgentDB`;
  const headerHolder = h('div', null, header(detail));
  const children = childrenPanel(runId);
  const metadata = metadataPanel();
  const panels: Record<Tab, Panel> = {
    traces: new TraceTree(runId),
    events: new EventTimeline(runId),
    kv: new KvTable(runId),
    state: new StateTable(runId),
    children,
    metadata,
  };
  const tabButtons = new Map<Tab, HTMLAnchorElement>();
  const tabCount = (tab: Tab, d: RunDetail): string | undefined => {
    const c = d.counts;
    switch (tab) {
      case 'traces':
        return formatCount(c.traces);
      case 'events':
        return formatCount(c.events);
      case 'kv':
        return formatCount(c.kv, c.kvMore);
      case 'state':
        return formatCount(c.state);
      case 'children':
        return formatCount(d.run?.children ?? d.children.length, d.run?.childrenMore);
      case 'metadata':
        return undefined;
    }
  };
  const nav = h(
    'nav',
    { class: 'tabs', role: 'tablist' },
    TABS.map((tab) => {
      const a = h('a', { href: `#${tab}`, role: 'tab', class: 'tab', 'data-tab': tab });
      tabButtons.set(tab, a);
      return a;
    }),
  );
  const panelHolder = h('section', { class: 'panel' });
  let active = tabOf(location.hash);

  const showDetail = (d: RunDetail) => {
    detail = d;
    replace(headerHolder, header(d));
    for (const [tab, a] of tabButtons) {
      const count = tabCount(tab, d);
      replace(a, TAB_LABELS[tab], count === undefined ? null : h('span', { class: 'count' }, count));
      a.classList.toggle('active', tab === active);
      a.setAttribute('aria-selected', String(tab === active));
    }
    children.show(d);
    metadata.show(d);
  };
  let gone = false;
  const refresh = coalesce(
    async () => {
      if (gone) return;
      showDetail(await getJson<RunDetail>(runApi(runId)));
      await panels[active].refresh();
    },
    (error) => {
      // Deleted (deleteRun) while the page was open: say so instead of showing stale data.
      if (error instanceof ApiError && error.status === 404) {
        gone = true;
        renderNotFound(main, error.message);
      } else console.error(error);
    },
  );
  const activate = async (tab: Tab) => {
    active = tab;
    showDetail(detail);
    replace(panelHolder, panels[tab].element);
    await panels[tab].refresh();
  };

  replace(
    main,
    h('p', { class: 'back' }, h('a', { href: '/' }, '← All runs')),
    headerHolder,
    nav,
    panelHolder,
  );
  window.addEventListener('hashchange', () => void activate(tabOf(location.hash)));
  hub.on((msg) => {
    // The run's own data, its record (run index), or a child run's record.
    if (touches(msg, [runId])) refresh();
  });
  await activate(active);
}

/** The run id in a run page's path, or `undefined` for another path. @example runIdOf('/runs/a%20b') */
export function runIdOf(pathname: string): string | undefined {
  const m = /^\/runs\/([^/]+)\/?$/.exec(pathname);
  if (m === null) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
}
