import { decodeKey, isAgentDBError, type KeyRange, runRange, TypeTag, tagRange } from '@agentdb/core';
import type { Database } from '@agentdb/engine';
import { type ManualClock, manualClock, openTestDatabase, type TestDatabase } from '@agentdb/engine/testing';
import { expect } from 'vitest';
import { type Trace, TraceStore, type TraceTree } from '../src/index.js';

/** A real LMDB database with a manual clock and a TraceStore on it. */
export interface Fixture {
  t: TestDatabase;
  db: Database;
  clock: ManualClock;
  traces: TraceStore;
}

/** Buffered durability unless a test is about durability: these tests are about indices and trees. */
export async function fixture(durability: 'strict' | 'buffered' = 'buffered'): Promise<Fixture> {
  const clock = manualClock();
  const t = await openTestDatabase({ clock, durability });
  return { t, db: t.db, clock, traces: new TraceStore(t.db) };
}

/** Closes and reopens the database (a facade is bound to one Database, so it is rebuilt too). */
export async function reopen(f: Fixture): Promise<void> {
  f.db = await f.t.reopen();
  f.traces = new TraceStore(f.db);
}

/** Asserts that `p` rejects with an AgentDBError of `code` whose message matches `message`. */
export async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAgentDBError(error)) throw new Error(`expected ${code}, got ${String(error)}`);
  expect(error.code).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
}

/** Every raw key of the run (all tags), as hex: to prove a refused call wrote nothing. */
export async function rawKeys(db: Database, range: KeyRange): Promise<string[]> {
  const out: string[] = [];
  for await (const e of db.scan(range)) out.push(Buffer.from(e.key).toString('hex'));
  return out;
}

export const runKeys = (db: Database, runId: string) => rawKeys(db, runRange(runId));
export const traceKeys = (db: Database, runId: string) => rawKeys(db, tagRange(runId, TypeTag.Trace));

export const ids = (traces: Trace[]) => traces.map((t) => t.id);

/** (timestamp, id) order, the order every listing promises. */
export function sortedByTime(traces: Trace[]): Trace[] {
  return [...traces].sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Walks a tree without recursion (a 10,000-deep tree would overflow a recursive walk). */
export function flatten(tree: TraceTree): { node: TraceTree; depth: number }[] {
  const out: { node: TraceTree; depth: number }[] = [];
  const stack: { node: TraceTree; depth: number }[] = [{ node: tree, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    out.push(item);
    for (let i = item.node.children.length - 1; i >= 0; i--) {
      stack.push({ node: item.node.children[i]!, depth: item.depth + 1 });
    }
  }
  return out;
}

/**
 * Checks a run's trace indices against its records: every index entry points at an existing trace
 * whose fields put it there, every trace has all of its entries, and the counter equals the records.
 * Returns the problems found (empty when consistent).
 */
export async function indexProblems(db: Database, runId: string): Promise<string[]> {
  const problems: string[] = [];
  const records = new Map<string, Trace>();
  const entries = new Set<string>();
  let counter: unknown;
  for await (const { key, value } of db.scan(tagRange(runId, TypeTag.Trace))) {
    const parts = decodeKey(key).parts;
    if (parts[0] === 't') records.set(parts[1] as string, value as unknown as Trace);
    else if (parts[0] === 'count') counter = value;
    else {
      entries.add(JSON.stringify(parts));
      if (value !== parts.at(-1))
        problems.push(`index entry ${JSON.stringify(parts)} holds ${String(value)}`);
    }
  }
  const expected = new Set<string>();
  for (const t of records.values()) {
    const at = [t.timestamp, t.id];
    const name = t.traceType.type === 'custom' ? t.traceType.name : t.traceType.type;
    const own = [
      ['type', name, ...at],
      ['time', ...at],
      t.parentId === undefined ? ['root', ...at] : ['child', t.parentId, ...at],
    ];
    for (const tag of t.tags) own.push(['tag', tag, ...at]);
    for (const e of own) expected.add(JSON.stringify(e));
    if (t.parentId !== undefined && !records.has(t.parentId))
      problems.push(`trace ${t.id} has a missing parent`);
  }
  for (const e of expected) if (!entries.has(e)) problems.push(`missing index entry ${e}`);
  for (const e of entries) if (!expected.has(e)) problems.push(`index entry ${e} points at no trace`);
  if ((counter ?? 0) !== records.size) problems.push(`counter ${String(counter)} ≠ ${records.size} records`);
  return problems;
}
