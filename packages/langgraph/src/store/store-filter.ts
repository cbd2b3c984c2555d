import { isDeepStrictEqual } from 'node:util';
import { describe, invalidArgument, isValueObject } from '@agentdb/primitives';

/**
 * `search` filters, as LangGraph documents them: `{ field: value }` is equality, and an object whose
 * keys are all operators compares with each — `$eq $ne $gt $gte $lt $lte $in $nin $exists`. Fields are
 * top-level keys of the item's value.
 *
 * Equality is deep (objects, arrays, dates and bytes compare by content; numbers with `===`). The
 * order operators compare two numbers, two strings (by UTF-16 code units) or two dates, and are false
 * for anything else. `$in`/`$nin` take an array; `$exists: true` matches a present field (even `null`).
 */
const OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']);

/** A filter, checked: a plain object (or undefined). */
export type Filter = Record<string, unknown>;

/** Throws `INVALID_ARGUMENT` for a filter that is not an object, or an operator with the wrong operand. */
export function checkFilter(filter: unknown, what: string): Filter | undefined {
  if (filter === undefined || filter === null) return undefined;
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw invalidArgument(`${what}: filter must be an object, got ${describe(filter)}`);
  }
  for (const [field, condition] of Object.entries(filter)) {
    if (!isOperatorObject(condition)) continue;
    for (const [op, operand] of Object.entries(condition)) {
      if ((op === '$in' || op === '$nin') && !Array.isArray(operand)) {
        throw invalidArgument(`${what}: filter ${field}.${op} needs an array, got ${describe(operand)}`);
      }
      if (op === '$exists' && typeof operand !== 'boolean') {
        throw invalidArgument(`${what}: filter ${field}.$exists needs a boolean, got ${describe(operand)}`);
      }
    }
  }
  return filter as Filter;
}

function isOperatorObject(v: unknown): v is Record<string, unknown> {
  if (!isValueObject(v)) return false;
  const keys = Object.keys(v);
  return keys.length > 0 && keys.every((k) => OPERATORS.has(k));
}

/** Deep equality for stored values; primitives compare with `===`. */
export function equalValues(a: unknown, b: unknown): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  return isDeepStrictEqual(a, b);
}

function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return undefined;
}

function compare(actual: unknown, op: string, operand: unknown, present: boolean): boolean {
  switch (op) {
    case '$eq':
      return equalValues(actual, operand);
    case '$ne':
      return !equalValues(actual, operand);
    case '$in':
      return (operand as unknown[]).some((x) => equalValues(actual, x));
    case '$nin':
      return !(operand as unknown[]).some((x) => equalValues(actual, x));
    case '$exists':
      return present === operand;
    default: {
      const c = order(actual, operand);
      if (c === undefined || Number.isNaN(c)) return false;
      if (op === '$gt') return c > 0;
      if (op === '$gte') return c >= 0;
      if (op === '$lt') return c < 0;
      return c <= 0; // $lte
    }
  }
}

/**
 * True when `value` passes every condition of `filter`.
 *
 * @example
 * matchesFilter({ score: 5, color: 'red' }, { score: { $gte: 3 }, color: 'red' }); // true
 */
export function matchesFilter(value: Record<string, unknown>, filter: Filter): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    if (condition === undefined) return true; // as LangGraph's savers drop undefined filter values
    const present = Object.hasOwn(value, field);
    const actual = present ? value[field] : undefined;
    if (!isOperatorObject(condition)) return present && equalValues(actual, condition);
    return Object.entries(condition).every(([op, operand]) => compare(actual, op, operand, present));
  });
}
