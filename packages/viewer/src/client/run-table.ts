import type { RunRow, RunStatusName } from '../shared/api-types.js';
import { h } from './dom.js';
import { formatCount, formatTime, isoTime, runDuration } from './format.js';

/**
 * A run's status as a coloured badge (`status-completed` …).
 *
 * @example
 * statusBadge('failed')
 */
export function statusBadge(status: RunStatusName): HTMLElement {
  return h('span', { class: `status status-${status}`, 'data-status': status }, status);
}

/**
 * Tags as chips.
 *
 * @example
 * tagChips(['prod', 'eval'])
 */
export function tagChips(tags: readonly string[]): HTMLElement {
  return h(
    'span',
    { class: 'chips' },
    tags.map((t) => h('span', { class: 'chip' }, t)),
  );
}

/** The page of a run. @example runHref('triage-1') // '/runs/triage-1' */
export function runHref(runId: string): string {
  return `/runs/${encodeURIComponent(runId)}`;
}

/** A time cell: local time, ISO 8601 UTC on hover. */
export function timeCell(ms: number | undefined): HTMLElement {
  return h('td', { class: 'time', title: ms === undefined ? null : isoTime(ms) }, formatTime(ms));
}

/**
 * Orders a page of runs so that each child follows its parent when both are on the page, with its
 * depth; runs whose parent is elsewhere (or that have none) start a group at depth 0.
 */
function nest(rows: readonly RunRow[]): { row: RunRow; depth: number }[] {
  const onPage = new Set(rows.map((r) => r.runId));
  const children = new Map<string, RunRow[]>();
  for (const r of rows) {
    if (r.parentRunId === undefined || !onPage.has(r.parentRunId)) continue;
    const list = children.get(r.parentRunId) ?? [];
    list.push(r);
    children.set(r.parentRunId, list);
  }
  const out: { row: RunRow; depth: number }[] = [];
  const visit = (row: RunRow, depth: number) => {
    out.push({ row, depth });
    for (const c of children.get(row.runId) ?? []) visit(c, depth + 1);
  };
  for (const r of rows) if (r.parentRunId === undefined || !onPage.has(r.parentRunId)) visit(r, 0);
  return out;
}

function runRowElement(row: RunRow, depth: number): HTMLTableRowElement {
  const duration = runDuration(row);
  const { counts } = row;
  const parentElsewhere = row.parentRunId !== undefined && depth === 0;
  return h(
    'tr',
    { class: 'run-row', 'data-run': row.runId, 'data-status': row.status, 'data-depth': depth },
    h('td', null, statusBadge(row.status)),
    h(
      'td',
      { class: 'run-cell', style: `padding-left: ${0.5 + depth * 1.5}rem` },
      depth > 0 ? h('span', { class: 'nest-mark' }, '└ ') : null,
      h('a', { href: runHref(row.runId), class: 'run-link mono' }, row.runId),
      row.name === undefined ? null : h('div', { class: 'run-name' }, row.name),
      parentElsewhere
        ? h(
            'div',
            { class: 'parent-note' },
            '↳ child of ',
            h('a', { href: runHref(row.parentRunId!), class: 'mono' }, row.parentRunId!),
          )
        : null,
      row.error === undefined ? null : h('div', { class: 'run-error', title: row.error }, row.error),
    ),
    h('td', null, tagChips(row.tags)),
    timeCell(row.createdAt),
    timeCell(row.updatedAt),
    h(
      'td',
      { class: duration.running ? 'num running' : 'num', title: duration.running ? 'still running' : null },
      duration.text,
    ),
    h('td', { class: 'num', 'data-count': 'kv' }, formatCount(counts.kv, counts.kvMore)),
    h('td', { class: 'num', 'data-count': 'events' }, formatCount(counts.events)),
    h('td', { class: 'num', 'data-count': 'state' }, formatCount(counts.state)),
    h('td', { class: 'num', 'data-count': 'traces' }, formatCount(counts.traces)),
    h(
      'td',
      { class: 'num', 'data-count': 'children' },
      row.children === 0
        ? '0'
        : h(
            'a',
            { href: `/?parent=${encodeURIComponent(row.runId)}`, title: 'list the child runs' },
            formatCount(row.children, row.childrenMore),
          ),
    ),
  );
}

/**
 * A table of runs, children nested under their parents when both are listed.
 *
 * @example
 * container.append(runsTable(page.runs));
 */
export function runsTable(rows: readonly RunRow[]): HTMLTableElement {
  return h(
    'table',
    { class: 'runs' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [
          'Status',
          'Run',
          'Tags',
          'Created',
          'Updated',
          'Duration',
          'KV',
          'Events',
          'State',
          'Traces',
          'Children',
        ].map((c) => h('th', null, c)),
      ),
    ),
    h(
      'tbody',
      null,
      nest(rows).map(({ row, depth }) => runRowElement(row, depth)),
    ),
  );
}
