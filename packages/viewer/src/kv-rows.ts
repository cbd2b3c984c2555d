import { type AgentDB, Key } from '@agentdb/primitives';
import type { KvPage, KvRow } from './shared/api-types.js';
import { ROW_FULL_CHARS, valueText } from './value-text.js';

/**
 * One page of the run's live KV entries in key order, each with its expiry (absolute ms) when it was
 * written with a TTL: the key listing reads O(limit), then one entry read per key for value and expiry.
 *
 * @example
 * const page = await kvPage(db, 'triage-1', { limit: 100 });
 * const more = await kvPage(db, 'triage-1', { limit: 100, after: page.next });
 */
export async function kvPage(
  db: AgentDB,
  runId: string,
  page: { limit: number; after?: string },
): Promise<KvPage> {
  const keys = await db.kv.list(runId, {
    limit: page.limit + 1,
    ...(page.after === undefined ? {} : { after: page.after }),
  });
  const shown = keys.slice(0, page.limit);
  const entries: KvRow[] = [];
  for (const key of shown) {
    const entry = await db.engine.getEntry(Key.kv(runId, key));
    // Expired or deleted since it was listed: it is gone, like a fresh listing would say.
    if (entry === undefined) continue;
    const row: KvRow = { key, value: valueText(entry.value, ROW_FULL_CHARS) };
    if (entry.expiresAt !== undefined) row.expiresAt = entry.expiresAt;
    entries.push(row);
  }
  const out: KvPage = { entries };
  if (keys.length > page.limit) out.next = shown.at(-1)!;
  return out;
}
