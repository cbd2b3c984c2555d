import { AgentDB, type Value } from '@agentdb/primitives';

/** One stored entry, for comparing two databases. */
export interface DumpedEntry {
  key: string;
  value: Value;
  expiresAt?: number;
}

/**
 * Every live entry of a database — all runs' data and the run index — with its value and expiry,
 * keyed by the hex of its stored key bytes. Entry versions are left out: they are commit numbers of
 * the database that wrote them.
 */
export async function dump(
  dir: string,
  filter: (key: Uint8Array) => boolean = () => true,
): Promise<DumpedEntry[]> {
  const db = await AgentDB.open({ path: dir, readOnly: true, durability: 'buffered', sweepIntervalMs: 0 });
  try {
    const out: DumpedEntry[] = [];
    for await (const { key } of db.engine.scan({ start: Uint8Array.of(0), end: Uint8Array.of(0xff) })) {
      if (!filter(key)) continue;
      const entry = (await db.engine.getEntry(key))!;
      const hex = Buffer.from(key).toString('hex');
      out.push(
        entry.expiresAt === undefined
          ? { key: hex, value: entry.value }
          : { key: hex, value: entry.value, expiresAt: entry.expiresAt },
      );
    }
    return out;
  } finally {
    await db.close();
  }
}
