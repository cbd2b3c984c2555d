import { decodeKey, type EncodedKey, type KeyRange, type Value } from '@agentdb/core';
import { cellKey, cellsRange, parseCell } from './cell-layout.js';
import type { State } from './state.js';

/**
 * What reading cells needs: both `Database` (fast snapshot reads, no transaction) and `Transaction`
 * (tracked reads that conflict-check at commit) provide it, so the facade and the view share one
 * code path for read, exists and list.
 */
export interface CellReader {
  getEntry(key: EncodedKey): Promise<{ value: Value; version: number } | undefined>;
  scan(range: KeyRange): AsyncIterable<{ key: EncodedKey; value: Value }>;
}

/** The live cell `name` of `runId`, or `undefined`. */
export async function readCell(reader: CellReader, runId: string, name: string): Promise<State | undefined> {
  const entry = await reader.getEntry(cellKey(runId, name));
  return entry === undefined ? undefined : parseCell(entry.value, runId, name);
}

/** True when the live cell `name` exists (its record is still decoded, so corruption is reported). */
export async function cellExists(reader: CellReader, runId: string, name: string): Promise<boolean> {
  return (await readCell(reader, runId, name)) !== undefined;
}

/** Names of the live cells of `runId`, ascending (UTF-8 byte order = Unicode code point order). */
export async function listCells(reader: CellReader, runId: string): Promise<string[]> {
  const names: string[] = [];
  for await (const { key } of reader.scan(cellsRange(runId))) {
    const name = decodeKey(key).parts[0];
    if (typeof name === 'string') names.push(name);
  }
  return names;
}
