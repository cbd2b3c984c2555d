import { AgentDB } from '@agentdb/primitives';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { expect } from 'vitest';
import { ERROR_META_KEY, type ToolErrorInfo } from '../../src/index.js';

/** A tool's structured result, loosely typed for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions walk results of many shapes
export type Result = Record<string, any>;

/** What `callTool` resolves to. */
type CallResult = Awaited<ReturnType<Client['callTool']>>;

function textOf(result: CallResult): string {
  const [first] = result.content as { type: string; text: string }[];
  expect(first?.type).toBe('text');
  return first!.text;
}

/**
 * Calls a tool that must succeed; returns its `structuredContent` after checking that the text
 * rendering is a summary line followed by the same result as JSON.
 *
 * @example
 * const { version } = await ok(client, 'state_init', { run_id: 'r', name: 'n', value: 1 });
 */
export async function ok(client: Client, name: string, args: Record<string, unknown>): Promise<Result> {
  const result = await client.callTool({ name, arguments: args });
  const text = textOf(result);
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  const structured = result.structuredContent as Result;
  expect(structured).toBeTypeOf('object');
  const newline = text.indexOf('\n');
  expect(newline).toBeGreaterThan(0);
  expect(JSON.parse(text.slice(newline + 1))).toEqual(structured);
  return structured;
}

/**
 * The error a refused tool call reports, after checking its shape: `isError`, no structured result, a
 * text that starts with the code, and the details under `_meta`.
 *
 * @example
 * const result = await client.callTool({ name: 'state_cas', arguments: args });
 * if (result.isError) console.log(errorOf(result).code);
 */
export function errorOf(result: CallResult): ToolErrorInfo {
  expect(result.isError).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const info = (result._meta as Record<string, ToolErrorInfo> | undefined)?.[ERROR_META_KEY];
  expect(info, textOf(result)).toBeDefined();
  expect(textOf(result).startsWith(`${info!.code}: `)).toBe(true);
  expect(info!.message.length).toBeGreaterThan(10);
  return info!;
}

/**
 * Calls a tool that must be refused and returns the error it reports (see `errorOf`).
 *
 * @example
 * expect((await refused(client, 'state_cas', args)).code).toBe('VERSION_MISMATCH');
 */
export async function refused(client: Client, name: string, args: unknown): Promise<ToolErrorInfo> {
  return errorOf(await client.callTool({ name, arguments: args as Record<string, unknown> }));
}

/** What a database holds, in a form that changes with any write: the last commit and the entry count. */
export interface Fingerprint {
  version: number;
  entries: number;
}

/**
 * Opens a database directory with the library (read-only, beside a running server) for `fn`.
 *
 * @example
 * const plan = await withLibrary(dir, (db) => db.kv.get('r', 'plan'));
 */
export async function withLibrary<T>(dir: string, fn: (db: AgentDB) => Promise<T>): Promise<T> {
  const db = await AgentDB.open({ path: dir, readOnly: true, durability: 'buffered', sweepIntervalMs: 0 });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** The database's fingerprint, read with the library. @example const before = await fingerprint(dir) */
export function fingerprint(dir: string): Promise<Fingerprint> {
  return withLibrary(dir, async (db) => {
    const { version, entries } = db.engine.stats();
    return { version, entries };
  });
}
