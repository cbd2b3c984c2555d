import type { Trace, TraceTree, TraceType, Value } from '@agentdb/primitives';
import { type Style, visibleWidth } from './style.js';

/** Pads a (possibly styled) cell to `width` visible characters. */
function pad(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - visibleWidth(s)));
}

/**
 * A plain text table: a header, a rule, one line per row; columns as wide as their widest cell.
 *
 * @example table(['run', 'status'], [['s1-fix', 'completed']], style)
 */
export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  style: Style,
): string[] {
  const widths = headers.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((r) => visibleWidth(r[i] ?? ''))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    style.bold(line(headers)),
    style.dim(widths.map((w) => '─'.repeat(w)).join('  ')),
    ...rows.map((r) => line(r)),
  ];
}

/**
 * Draws trees with box-drawing characters, iteratively (no recursion, so depth is no concern).
 *
 * @example drawTree(tree, (t) => t.trace.id) // ['root', '├─ a', '│  └─ b', '└─ c']
 */
export function drawTree(root: TraceTree, label: (t: Trace) => string): string[] {
  const lines: string[] = [];
  // Each stack entry carries the prefix for its own line and the prefix its children continue with.
  const stack: { node: TraceTree; head: string; rest: string }[] = [{ node: root, head: '', rest: '' }];
  while (stack.length > 0) {
    const { node, head, rest } = stack.pop()!;
    lines.push(head + label(node.trace));
    const kids = node.children;
    for (let i = kids.length - 1; i >= 0; i--) {
      const last = i === kids.length - 1;
      stack.push({
        node: kids[i]!,
        head: rest + (last ? '└─ ' : '├─ '),
        rest: rest + (last ? '   ' : '│  '),
      });
    }
  }
  return lines;
}

/** A one-line, width-limited rendering of a value. @example preview({ a: 1 }) // '{"a":1}' */
export function preview(v: Value | undefined, max = 48): string {
  if (v === undefined) return '—';
  const s =
    typeof v === 'string'
      ? JSON.stringify(v)
      : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * Tool arguments as `name: value` pairs. @example formatArgs({ path: 'a.ts', n: 2 }) // 'path: "a.ts", n: 2'
 */
export function formatArgs(args: Value, max = 44): string {
  if (
    args === null ||
    typeof args !== 'object' ||
    Array.isArray(args) ||
    args instanceof Date ||
    args instanceof Uint8Array
  ) {
    return preview(args, max);
  }
  const s = Object.entries(args)
    .map(([k, v]) => `${k}: ${preview(v, max)}`)
    .join(', ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A duration in words. @example formatDuration(17_000) // '17 s' */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** What a trace is about, in one line. @example describeTrace({ type: 'thought', content: 'hi' }) // 'thought: hi' */
export function describeTrace(t: TraceType): string {
  switch (t.type) {
    case 'tool_call':
      return `tool_call ${t.toolName}(${formatArgs(t.arguments, 36)}) → ${preview(t.result, 36)}${
        t.durationMs === undefined ? '' : ` (${formatDuration(t.durationMs)})`
      }`;
    case 'decision':
      return `decision: ${t.question} → ${t.chosen}`;
    case 'query':
      return `query ${t.queryType}: ${t.query}${t.resultsCount === undefined ? '' : ` (${t.resultsCount})`}`;
    case 'thought':
      return `thought: ${t.content}`;
    case 'error':
      return `error ${t.errorType}: ${t.message}${t.recoverable ? ' (recoverable)' : ''}`;
    case 'custom':
      return `${t.name}: ${preview(t.data)}`;
  }
}

/** The trace line used in the summary tree: what it is, then its tags. */
export function traceLabel(trace: Trace, style: Style): string {
  const tags = trace.tags.length === 0 ? '' : `  ${style.dim(trace.tags.map((t) => `#${t}`).join(' '))}`;
  const text = describeTrace(trace.traceType);
  const coloured = trace.traceType.type === 'error' ? style.red(text) : text;
  return coloured + tags;
}

/** The first 12 hex digits of a hash, enough to recognise it. @example shortHash('9082753c1f77…') */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
