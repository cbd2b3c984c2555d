import type { Item, MatchCondition } from '@langchain/langgraph-checkpoint';

/** One item of the model, with the expiry the store should give it (ms of the test clock). */
interface ModelItem {
  namespace: string[];
  key: string;
  value: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
  ttl: number | null;
  expiresAt: number | null;
}

/** A filter condition the model understands: equality or one operator. */
export type ModelCondition = unknown;

const MINUTE = 60_000;

function order(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return undefined;
}

/** The filter semantics the README documents, restated plainly for the model's scalar values. */
function conditionHolds(value: Record<string, unknown>, field: string, condition: unknown): boolean {
  const present = field in value;
  const actual = value[field];
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) {
    return present && actual === condition;
  }
  return Object.entries(condition).every(([op, operand]) => {
    const c = order(actual, operand);
    switch (op) {
      case '$eq':
        return actual === operand;
      case '$ne':
        return actual !== operand;
      case '$gt':
        return c !== undefined && c > 0;
      case '$gte':
        return c !== undefined && c >= 0;
      case '$lt':
        return c !== undefined && c < 0;
      case '$lte':
        return c !== undefined && c <= 0;
      case '$in':
        return (operand as unknown[]).includes(actual);
      case '$nin':
        return !(operand as unknown[]).includes(actual);
      case '$exists':
        return present === operand;
      default:
        throw new Error(`model has no operator ${op}`);
    }
  });
}

/**
 * A plain `Map` model of `AgentDBStore`: items by `[namespace, key]`, TTL in minutes on the test clock
 * (expired when `expiresAt <= now`), reads renew TTL, search in key order (namespace joined with ".",
 * then key), namespaces label by label.
 */
export class StoreModel {
  readonly items = new Map<string, ModelItem>();
  constructor(readonly now: () => number) {}

  #id(namespace: string[], key: string): string {
    return JSON.stringify([namespace, key]);
  }

  #live(): ModelItem[] {
    const now = this.now();
    for (const [id, item] of this.items)
      if (item.expiresAt !== null && item.expiresAt <= now) this.items.delete(id);
    return [...this.items.values()];
  }

  #item(m: ModelItem): Item {
    return {
      namespace: m.namespace,
      key: m.key,
      value: m.value,
      createdAt: new Date(m.createdAt),
      updatedAt: new Date(m.updatedAt),
    };
  }

  #refresh(m: ModelItem): void {
    if (m.ttl !== null) m.expiresAt = this.now() + m.ttl * MINUTE;
  }

  put(namespace: string[], key: string, value: Record<string, unknown> | null, ttl: number | null): void {
    this.#live();
    const id = this.#id(namespace, key);
    if (value === null) {
      this.items.delete(id);
      return;
    }
    const now = this.now();
    const old = this.items.get(id);
    this.items.set(id, {
      namespace,
      key,
      value,
      createdAt: old?.createdAt ?? now,
      updatedAt: now,
      ttl,
      expiresAt: ttl === null ? null : now + ttl * MINUTE,
    });
  }

  get(namespace: string[], key: string): Item | null {
    this.#live();
    const m = this.items.get(this.#id(namespace, key));
    if (m === undefined) return null;
    const item = this.#item(m);
    this.#refresh(m);
    return item;
  }

  search(
    prefix: string[],
    filter: Record<string, unknown> | undefined,
    limit: number,
    offset: number,
  ): Item[] {
    const joined = prefix.join('.');
    const hits = this.#live()
      .filter((m) => {
        const ns = m.namespace.join('.');
        return prefix.length === 0 || ns === joined || ns.startsWith(`${joined}.`);
      })
      .filter((m) => Object.entries(filter ?? {}).every(([f, c]) => conditionHolds(m.value, f, c)))
      .sort((a, b) => {
        const x = a.namespace.join('.');
        const y = b.namespace.join('.');
        return x < y ? -1 : x > y ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
      })
      .slice(offset, offset + limit);
    const items = hits.map((m) => this.#item(m));
    for (const m of hits) this.#refresh(m);
    return items;
  }

  listNamespaces(
    conditions: MatchCondition[],
    maxDepth: number | undefined,
    limit: number,
    offset: number,
  ): string[][] {
    const all = new Map<string, string[]>();
    for (const m of this.#live()) {
      const ns = m.namespace;
      const ok = conditions.every((c) => {
        if (c.path.length > ns.length) return false;
        const at = c.matchType === 'prefix' ? 0 : ns.length - c.path.length;
        return c.path.every((l, i) => l === '*' || l === ns[at + i]);
      });
      if (!ok) continue;
      const cut = maxDepth === undefined ? ns : ns.slice(0, maxDepth);
      all.set(JSON.stringify(cut), cut);
    }
    return [...all.values()]
      .sort((a, b) => {
        for (let i = 0; i < Math.min(a.length, b.length); i++)
          if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
        return a.length - b.length;
      })
      .slice(offset, offset + limit);
  }
}
