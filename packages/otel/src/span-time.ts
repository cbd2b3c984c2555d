import type { HrTime } from '@opentelemetry/api';

/**
 * Span times as OTLP writes them: nanoseconds since the epoch in a decimal string. Stored that way in an
 * imported trace's `metadata.otel`, because a number of nanoseconds since 1970 is past 2^53 and a JS
 * number would round it (as `hrTimeToNanoseconds` of `@opentelemetry/core` does).
 */
export type UnixNanos = string;

const NANOS_PER_SECOND = 1_000_000_000n;
const UNIX_NANOS = /^\d{1,30}$/;

/** `[seconds, nanos]` → exact decimal nanoseconds. @example nanosOf([1, 5]) // '1000000005' */
export function nanosOf(time: HrTime): UnixNanos {
  return (BigInt(time[0]) * NANOS_PER_SECOND + BigInt(time[1])).toString();
}

/** Decimal nanoseconds → `[seconds, nanos]`, or `undefined` when `s` is not one. */
export function hrTimeOfNanos(s: unknown): HrTime | undefined {
  if (typeof s !== 'string' || !UNIX_NANOS.test(s)) return undefined;
  const n = BigInt(s);
  const seconds = n / NANOS_PER_SECOND;
  if (seconds > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return [Number(seconds), Number(n % NANOS_PER_SECOND)];
}

/** Whether `a` is earlier than `b`. */
export function isBefore(a: HrTime, b: HrTime): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/** Whether a span's end time is one: a span that never ended has `[0, 0]` (or an end before its start). */
export function hasEnded(start: HrTime, end: HrTime | undefined): end is HrTime {
  return end !== undefined && (end[0] !== 0 || end[1] !== 0) && !isBefore(end, start);
}
