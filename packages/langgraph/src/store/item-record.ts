import { AgentDBError, isValueObject, type Value } from '@agentdb/primitives';

/** What is stored per item. Timestamps are milliseconds of the database clock. */
export interface ItemRecord {
  value: { [k: string]: Value };
  createdAt: number;
  updatedAt: number;
  /** Time to live in minutes, renewed on reads when `refreshOnRead`; null: the item never expires. */
  ttl: number | null;
  /** Embeddings of the item's indexed texts (float32, little-endian), for `search({ query })`. */
  vectors: Uint8Array[];
}

/** The stored value of an item record. */
export function itemValue(r: ItemRecord): Value {
  return { value: r.value, createdAt: r.createdAt, updatedAt: r.updatedAt, ttl: r.ttl, vectors: r.vectors };
}

/** Reads an item record; anything else is `CORRUPTION`. */
export function parseItem(v: Value): ItemRecord {
  const ok =
    isValueObject(v) &&
    isValueObject(v.value) &&
    typeof v.createdAt === 'number' &&
    typeof v.updatedAt === 'number' &&
    (v.ttl === null || typeof v.ttl === 'number') &&
    Array.isArray(v.vectors) &&
    v.vectors.every((x) => x instanceof Uint8Array);
  if (!ok) throw new AgentDBError('CORRUPTION', 'stored LangGraph store item has an unexpected shape');
  return v as unknown as ItemRecord;
}
