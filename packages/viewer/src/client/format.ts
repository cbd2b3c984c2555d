import type { RunStatusName } from '../shared/api-types.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A timestamp in the browser's time zone, to the millisecond: `2026-11-25 15:46:23.039`.
 *
 * @example
 * formatTime(run.createdAt)
 */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined) return '–';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The same instant in ISO 8601 UTC, for tooltips. @example isoTime(0) // '1970-01-01T00:00:00.000Z' */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A duration for people: `850 ms`, `12.3 s`, `4m 05s`, `2h 03m`, `3d 04h`.
 *
 * @example
 * formatDuration(65_000) // '1m 05s'
 */
export function formatDuration(ms: number): string {
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d ${pad(Math.floor(s / 3600) % 24)}h`;
}

/** Statuses whose run has ended (its duration is fixed). */
const ENDED = new Set<RunStatusName>(['completed', 'failed', 'cancelled']);

/**
 * How long a run took (to `completedAt`), or has been going (to now) while it is not finished.
 *
 * @example
 * runDuration(run) // { text: '4m 05s', running: false }
 */
export function runDuration(run: {
  status: RunStatusName;
  createdAt: number;
  completedAt?: number;
  updatedAt: number;
}): {
  text: string;
  running: boolean;
} {
  if (run.completedAt !== undefined)
    return { text: formatDuration(run.completedAt - run.createdAt), running: false };
  if (ENDED.has(run.status)) return { text: formatDuration(run.updatedAt - run.createdAt), running: false };
  const running = run.status === 'active';
  return { text: formatDuration((running ? Date.now() : run.updatedAt) - run.createdAt), running };
}

/**
 * A count for a table cell: `1000+` when the server stopped counting at its cap.
 *
 * @example
 * formatCount(1000, true) // '1000+'
 */
export function formatCount(n: number, more = false): string {
  return `${n.toLocaleString('en-US')}${more ? '+' : ''}`;
}
