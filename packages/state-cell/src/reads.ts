import { decodeKey } from '@agentdb/core';
import type { ReadSource } from '@agentdb/engine';
import { cellKey, cellsRange, parseCell } from './layout.js';
import type { State } from './types.js';

/*
 * Every read of the state cells, written once against a `ReadSource`: the engine (the facade's
 * snapshot reads, no transaction) or a transaction (the view and every write: tracked reads that are
 * conflict-checked at commit).
 */

/** The live cell `name` of `runId`, or `undefined`. */
export async function readCell(src: ReadSource, runId: string, name: string): Promise<State | undefined> {
  const entry = await src.getEntry(cellKey(runId, name));
  return entry === undefined ? undefined : parseCell(entry.value, runId, name);
}

/** True when the live cell `name` exists (its record is still decoded, so corruption is reported). */
export async function cellExists(src: ReadSource, runId: string, name: string): Promise<boolean> {
  return (await readCell(src, runId, name)) !== undefined;
}

/** Names of the live cells of `runId`, ascending (UTF-8 byte order = Unicode code point order). */
export async function listCells(src: ReadSource, runId: string): Promise<string[]> {
  const names: string[] = [];
  for await (const { key } of src.scan(cellsRange(runId))) {
    const name = decodeKey(key).parts[0];
    if (typeof name === 'string') names.push(name);
  }
  return names;
}
