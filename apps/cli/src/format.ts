import {
  decodeKey,
  type Event,
  type RunStatus,
  type Trace,
  type TraceTree,
  type TraceType,
  typeName,
  typeTagName,
  type Value,
} from '@agentdb/primitives';
import type { Style } from './output.js';

/**
 * Human renderings of stored values and times (the `--json` forms are in typed-json.ts).
 */

/**
 * A compact one-line rendering of a `Value`: JSON-like, with `123n` for bigints, `-0`, `NaN`,
 * `Date(…)` and `bytes(n:hex…)`, cut to `max` characters with `…`.
 *
 * @example
 * formatValue({ n: 2n, at: new Date(0) }); // '{"n":2n,"at":Date(1970-01-01T00:00:00.000Z)}'
 */
export function formatValue(value: Value, max = Number.POSITIVE_INFINITY): string {
  return truncate(render(value), max);
}

function render(v: Value): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v.subarray(0, 32)).toString('hex');
    return `bytes(${v.length}:${hex}${v.length > 32 ? '…' : ''})`;
  }
  if (v instanceof Date) return `Date(${v.toISOString()})`;
  if (Array.isArray(v)) return `[${v.map(render).join(',')}]`;
  return `{${Object.entries(v)
    .map(([k, x]) => `${JSON.stringify(k)}:${render(x)}`)
    .join(',')}}`;
}

/**
 * Cuts `s` to at most `max` characters, ending with `…` when cut.
 *
 * @example
 * truncate('abcdef', 4); // 'abc…'
 */
export function truncate(s: string, max: number): string {
  const flat = s.replace(/\n/g, '\\n');
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * A timestamp (ms since the epoch) as ISO 8601 UTC.
 *
 * @example
 * formatTime(1700000000000); // '2023-11-14T22:13:20.000Z'
 */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '-';
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

/**
 * One event as a line: `#seq  time  type  payload`.
 *
 * @example
 * formatEvent(e, out.style); // '#3  2023-11-14T22:13:20.000Z  tool_call  {"tool":"search"}'
 */
export function formatEvent(e: Event, style: Style, typeWidth = 0, payloadWidth = 100): string {
  const type = style.cyan(e.eventType) + ' '.repeat(Math.max(0, typeWidth - e.eventType.length));
  return `${style.dim(`#${e.sequence}`)}  ${formatTime(e.timestamp)}  ${type}  ${formatValue(e.payload, payloadWidth)}`;
}

/**
 * Events as aligned lines (the type column as wide as its longest entry).
 *
 * @example
 * for (const line of formatEvents(events, out.style)) out.line(line);
 */
export function formatEvents(events: Event[], style: Style): string[] {
  const typeWidth = Math.max(0, ...events.map((e) => e.eventType.length));
  const seqWidth = Math.max(0, ...events.map((e) => String(e.sequence).length));
  return events.map(
    (e) => ' '.repeat(seqWidth - String(e.sequence).length) + formatEvent(e, style, typeWidth),
  );
}

/**
 * A run status, coloured by outcome.
 *
 * @example
 * formatStatus('failed', out.style); // red 'failed'
 */
export function formatStatus(status: RunStatus, style: Style): string {
  switch (status) {
    case 'active':
      return style.cyan(status);
    case 'completed':
      return style.green(status);
    case 'failed':
      return style.red(status);
    case 'paused':
      return style.yellow(status);
    default:
      return style.dim(status);
  }
}

/**
 * What a trace says, in one line, by its type.
 *
 * @example
 * summarizeTrace({ type: 'decision', question: 'answer now?', options: ['yes', 'no'], chosen: 'yes' });
 * // 'answer now? → yes'
 */
export function summarizeTrace(t: TraceType, width = 80): string {
  switch (t.type) {
    case 'tool_call': {
      const call = `${t.toolName}(${formatValue(t.arguments)})`;
      const result = t.result === undefined ? '' : ` → ${formatValue(t.result)}`;
      const took = t.durationMs === undefined ? '' : ` ${t.durationMs}ms`;
      return truncate(call + result + took, width);
    }
    case 'decision':
      return truncate(
        `${t.question} → ${t.chosen}${t.reasoning === undefined ? '' : ` (${t.reasoning})`}`,
        width,
      );
    case 'query':
      return truncate(
        `${t.queryType}: ${t.query}${t.resultsCount === undefined ? '' : ` (${t.resultsCount} results)`}`,
        width,
      );
    case 'thought':
      return truncate(
        `${t.content}${t.confidence === undefined ? '' : ` (confidence ${t.confidence})`}`,
        width,
      );
    case 'error':
      return truncate(`${t.errorType}: ${t.message}${t.recoverable ? ' (recoverable)' : ''}`, width);
    case 'custom':
      return formatValue(t.data, width);
  }
}

/**
 * A trace as the head of a tree line: `type id  summary [tags]`.
 *
 * @example
 * formatTraceLine(trace, out.style);
 */
export function formatTraceLine(trace: Trace, style: Style): string {
  const tags = trace.tags.length === 0 ? '' : ` ${style.yellow(`[${trace.tags.join(', ')}]`)}`;
  return `${style.cyan(typeName(trace.traceType))} ${style.dim(trace.id)}  ${summarizeTrace(trace.traceType)}${tags}`;
}

/**
 * Draws trace trees with box-drawing characters, one line per trace (iteratively, so a chain
 * thousands deep cannot overflow the stack).
 *
 * @example
 * drawTrees([tree], out.style);
 * // thought root  plan [planning]
 * // ├─ tool_call a  search({"q":"x"})
 * // │  └─ error b  Timeout: slow (recoverable)
 * // └─ decision c  answer now? → yes
 */
export function drawTrees(trees: TraceTree[], style: Style): string[] {
  const lines: string[] = [];
  const stack: { node: TraceTree; prefix: string; branch: string }[] = [];
  for (let i = trees.length - 1; i >= 0; i--) stack.push({ node: trees[i]!, prefix: '', branch: '' });
  while (stack.length > 0) {
    const { node, prefix, branch } = stack.pop()!;
    lines.push(`${style.dim(prefix + branch)}${formatTraceLine(node.trace, style)}`);
    const childPrefix = prefix + (branch === '├─ ' ? '│  ' : branch === '└─ ' ? '   ' : '');
    const kids = node.children;
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ node: kids[i]!, prefix: childPrefix, branch: i === kids.length - 1 ? '└─ ' : '├─ ' });
    }
  }
  return lines;
}

/**
 * A byte count for people.
 *
 * @example
 * formatBytes(1536); // '1.5 KiB'
 */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

/**
 * Names the key inside an engine problem ("key 7500…: …") so people can read it:
 * `key 7500… (run triage-1, Event 3): …`. Text without a decodable key is returned unchanged.
 *
 * @example
 * explainKeys('key 75007472…: differs from its last logged write');
 */
export function explainKeys(problem: string): string {
  return problem.replace(/\bkey ([0-9a-f]{6,})\b/g, (text, hex: string) => {
    try {
      const k = decodeKey(Buffer.from(hex, 'hex'));
      const owner = k.namespace === 'system' ? 'run index' : `run ${k.runId}`;
      const parts = k.parts.map((p) =>
        p instanceof Uint8Array ? `bytes(${Buffer.from(p).toString('hex')})` : String(p),
      );
      return `${text} (${owner}, ${typeTagName(k.tag) ?? `tag 0x${k.tag.toString(16)}`}${parts.length > 0 ? ` ${parts.join(' ')}` : ''})`;
    } catch {
      return text;
    }
  });
}
