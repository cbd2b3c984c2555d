import type { Value } from '@agentdb/core';
import { asBuffer, type RawEntry } from './read-view.js';
import type { Claim, MetaName, WriteOp, WriteScope } from './write-scope.js';
import { ttlIndexKey } from './write-scope.js';

/**
 * A write scope that holds every write in memory until the callback that made them has returned, then
 * writes them through to LMDB in one go. So nothing can fail part-way through a commit batch and leave
 * half of it behind: lmdb-js commits whatever a callback wrote even when it throws afterwards, but here
 * the callback writes nothing until all of its checks, mutations and log bookkeeping are done, and the
 * write-through that follows is only LMDB puts and deletes — which LMDB itself turns into a failed,
 * all-or-nothing commit if one of them fails.
 *
 * It is also the commit batch's one staging area (commit-batch.ts): a key rewritten by many commits of
 * a batch is written to LMDB once, with its last value. Reads see the staged writes first (a range
 * merges them in key order), so the callback works on the state it is building. `beforeWrite` is asked before every write is staged: the fault-injection seam
 * of testing.ts (`failStorageWrites`), which fails a batch at any step of its preparation.
 */
/** A staged data write: its stored bytes (`null` for a delete), version, and decoded value if known. */
export interface StagedWrite {
  key: Uint8Array;
  stored: Uint8Array | null;
  version: number;
  /** The decoded value, when the writer had it (commit-time mutations): spares a decode on re-read. */
  value?: Value;
}

export class StagedScope implements WriteScope {
  readonly #under: WriteScope;
  readonly #beforeWrite: (op: WriteOp) => void;
  /** Data writes by key id (latin1 of the key bytes, `keyId`). */
  readonly #data = new Map<string, StagedWrite>();
  readonly #ttl = new Map<string, { indexKey: Uint8Array; put: boolean }>();
  readonly #log = new Map<number, Uint8Array | null>();
  readonly #meta = new Map<MetaName, number>();
  readonly #claims = new Map<string, { key: Uint8Array; claim: Claim | null }>();

  constructor(under: WriteScope, beforeWrite: (op: WriteOp) => void) {
    this.#under = under;
    this.#beforeWrite = beforeWrite;
  }

  /** Writes everything staged to the scope underneath (phase two: LMDB writes only). */
  writeThrough(): void {
    const u = this.#under;
    for (const d of this.#data.values()) {
      if (d.stored === null) u.remove(d.key);
      else u.put(d.key, d.stored, d.version);
    }
    for (const t of this.#ttl.values()) {
      if (t.put) u.ttlPutIndexKey(t.indexKey);
      else u.ttlRemove(t.indexKey);
    }
    for (const [first, entry] of this.#log) {
      if (entry === null) u.logRemove(first);
      else u.logAppend(first, entry);
    }
    for (const [name, value] of this.#meta) u.metaSet(name, value);
    for (const c of this.#claims.values()) {
      if (c.claim === null) u.claimRemove(c.key);
      else u.claimPut(c.key, c.claim);
    }
  }

  /** The entry as LMDB holds it, ignoring what is staged. */
  committed(key: Uint8Array): RawEntry | undefined {
    return this.#under.get(key);
  }

  get(key: Uint8Array): RawEntry | undefined {
    const staged = this.#data.get(idOf(key));
    if (staged === undefined) return this.#under.get(key);
    return staged.stored === null ? undefined : { key, stored: staged.stored, version: staged.version };
  }

  *range(start: Uint8Array, end: Uint8Array, reverse = false): Iterable<RawEntry> {
    const dir = reverse ? -1 : 1;
    const staged = [...this.#data.values()]
      .filter((d) => Buffer.compare(d.key, start) >= 0 && Buffer.compare(d.key, end) < 0)
      .sort((a, b) => dir * Buffer.compare(a.key, b.key));
    let s = 0;
    for (const e of this.#under.range(start, end, reverse)) {
      // Staged entries before this one come first; one with the same key replaces it.
      while (s < staged.length && dir * Buffer.compare(staged[s]!.key, e.key) < 0) yield* live(staged[s++]!);
      if (s < staged.length && Buffer.compare(staged[s]!.key, e.key) === 0) yield* live(staged[s++]!);
      else yield e;
    }
    while (s < staged.length) yield* live(staged[s++]!);
  }

  /**
   * Stages a data write under `id` (= `keyId(write.key)`, which the caller already has). The scope
   * keeps `write` itself: the caller must not change it afterwards.
   */
  stage(id: string, write: StagedWrite): void {
    this.#beforeWrite(write.stored === null ? 'remove' : 'put');
    this.#data.set(id, write);
  }

  /** The staged write of key `id`, if any (`get` without the fallback to LMDB). */
  staged(id: string): StagedWrite | undefined {
    return this.#data.get(id);
  }

  put(key: Uint8Array, stored: Uint8Array, version: number): void {
    this.stage(idOf(key), { key, stored, version });
  }

  remove(key: Uint8Array): void {
    this.stage(idOf(key), { key, stored: null, version: 0 });
  }

  ttlAdd(expiresAt: number, key: Uint8Array): void {
    this.#beforeWrite('ttlAdd');
    this.ttlPutIndexKey(ttlIndexKey(expiresAt, key));
  }

  ttlPutIndexKey(indexKey: Uint8Array): void {
    this.#ttl.set(idOf(indexKey), { indexKey, put: true });
  }

  ttlRemove(indexKey: Uint8Array): void {
    this.#beforeWrite('ttlRemove');
    this.#ttl.set(idOf(indexKey), { indexKey, put: false });
  }

  ttlDue(now: number, limit: number): { indexKey: Uint8Array; expiresAt: number; key: Uint8Array }[] {
    const due = this.#under.ttlDue(now, limit).filter((d) => this.#ttl.get(idOf(d.indexKey))?.put !== false);
    for (const t of this.#ttl.values()) {
      if (!t.put) continue;
      const indexKey = asBuffer(t.indexKey);
      const expiresAt = indexKey.readDoubleBE(0);
      if (expiresAt <= now && !due.some((d) => Buffer.compare(d.indexKey, indexKey) === 0))
        due.push({ indexKey, expiresAt, key: indexKey.subarray(8) });
    }
    return due.sort((a, b) => Buffer.compare(a.indexKey, b.indexKey)).slice(0, limit);
  }

  logAppend(first: number, entry: Uint8Array): void {
    this.#beforeWrite('logAppend');
    this.#log.set(first, entry);
  }

  logRemove(first: number): void {
    this.#beforeWrite('logRemove');
    this.#log.set(first, null);
  }

  logOldest(limit: number): { first: number; entry: Uint8Array }[] {
    const entries = new Map(this.#under.logOldest(limit).map((e) => [e.first, e.entry] as const));
    for (const [first, entry] of this.#log) {
      if (entry === null) entries.delete(first);
      else entries.set(first, entry);
    }
    return [...entries]
      .sort(([a], [b]) => a - b)
      .slice(0, limit)
      .map(([first, entry]) => ({ first, entry }));
  }

  metaGet(name: MetaName): number {
    return this.#meta.get(name) ?? this.#under.metaGet(name);
  }

  metaSet(name: MetaName, value: number): void {
    this.#beforeWrite('metaSet');
    this.#meta.set(name, value);
  }

  claimsAny(): boolean {
    for (const c of this.#claims.values()) if (c.claim !== null) return true;
    return this.#under.claimsAny();
  }

  claimGet(key: Uint8Array): Claim | undefined {
    const staged = this.#claims.get(idOf(key));
    if (staged === undefined) return this.#under.claimGet(key);
    return staged.claim ?? undefined;
  }

  claimPut(key: Uint8Array, claim: Claim): void {
    this.#beforeWrite('claimPut');
    this.#claims.set(idOf(key), { key, claim });
  }

  claimRemove(key: Uint8Array): void {
    this.#beforeWrite('claimRemove');
    this.#claims.set(idOf(key), { key, claim: null });
  }
}

function idOf(key: Uint8Array): string {
  return asBuffer(key).toString('latin1');
}

function* live(d: StagedWrite): Iterable<RawEntry> {
  if (d.stored !== null) yield { key: d.key, stored: d.stored, version: d.version };
}
