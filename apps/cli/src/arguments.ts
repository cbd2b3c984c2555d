import type { Value } from '@agentdb/primitives';
import { InvalidArgumentError } from 'commander';
import { type TypedJson, toTypedJson } from './typed-json.js';

/**
 * Commander option parsers: a bad value is refused by commander as a usage error, before the
 * database is opened.
 */

/** `--from 3`: an integer ≥ 0. @example .option('--from <n>', 'first sequence', nonNegativeInt) */
export function nonNegativeInt(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new InvalidArgumentError('expected an integer ≥ 0.');
  return n;
}

/** `--limit 10`: an integer ≥ 1. @example .option('--limit <n>', 'at most n', positiveInt) */
export function positiveInt(text: string): number {
  const n = nonNegativeInt(text);
  if (n === 0) throw new InvalidArgumentError('expected an integer ≥ 1.');
  return n;
}

/** The lossless JSON of any stored record (events, traces, runs are plain values). @example asJson(event) */
export function asJson(record: unknown): TypedJson {
  return toTypedJson(record as Value);
}
