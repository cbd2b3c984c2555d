import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AgentDB,
  type CommitRecord,
  decodeKey,
  type Engine,
  type EngineTransaction,
  type KeyRange,
  runRange,
  TypeTag,
} from '../index.js';
import { indexProblems } from './index-checker.js';
import { type AgentFixture, openFixture, type PrimitivesSubject } from './subject.js';

/**
 * An extension primitive (a TypeTag in 0x10–0xFF) that the cascade-delete suite stores data with,
 * beside the five built-ins. The test that runs the suite supplies it (the repository's tests pass the
 * message queue of `@agentdb/example-message-queue/contract`), so the suite depends on no extension.
 */
export interface CascadeExtension {
  /** Its TypeTag. */
  tag: number;
  /** Every key it stores for `runId`. */
  range(runId: string): KeyRange;
  /**
   * Stores data of `runId` through the extension's transaction view, inside `tx` — a transaction that
   * writes with every built-in primitive too. Returns what to check once that transaction committed.
   */
  write(engine: Engine, tx: EngineTransaction, runId: string): () => Promise<void>;
  /** How much `runId` holds, read through the extension's own API: 0 when it holds nothing. */
  size(engine: Engine, runId: string): Promise<number>;
}

/**
 * `doomed` and its child use all five primitives plus the extension, if one is given; `doomed1`
 * (whose id extends `doomed`) does the same and must come through untouched.
 */
const DOOMED = 'doomed';
const CHILD = 'doomed-child';
const SIBLING = 'doomed1';

async function useEverything(
  db: AgentDB,
  extension: CascadeExtension | undefined,
  runId: string,
  parentRunId?: string,
): Promise<void> {
  let check: (() => Promise<void>) | undefined;
  await db.transaction(runId, async (tx) => {
    await tx.runs.createRun({ tags: ['cascade'], ...(parentRunId === undefined ? {} : { parentRunId }) });
    await tx.kv.put('plan', ['a', 'b']);
    await tx.kv.put('cache', 1, { ttlMs: 60_000 });
    tx.events.append('tool_call', { runId });
    tx.events.append('tool_result', { ok: true });
    await tx.state.init('phase', 'planning');
    await tx.state.init('lock', 'me');
    await tx.state.delete('lock'); // leaves a high-water mark, which must go too
    const root = await tx.traces.record({ type: 'thought', content: 'go' }, { tags: ['plan', 'x'] });
    await tx.traces.recordChild(
      root,
      { type: 'tool_call', toolName: 'search', arguments: { q: 1 } },
      { tags: ['x'] },
    );
    check = extension?.write(db.engine, tx.tx, runId);
  });
  await check?.();
}

/** Every stored key and value of a run's range, hex-encoded, and the TypeTags among them. */
async function dump(db: AgentDB, runId: string): Promise<{ entries: string[]; tags: Set<number> }> {
  const entries: string[] = [];
  const tags = new Set<number>();
  for await (const { key, value, version } of db.engine.scan(runRange(runId))) {
    entries.push(`${Buffer.from(key).toString('hex')}=${JSON.stringify(value)}@${version}`);
    tags.add(decodeKey(key).tag);
  }
  return { entries, tags };
}

/**
 * Cascade delete of a run that used all five primitives and `extension` (if given), on `subject`'s
 * engine.
 */
export function cascadeDeleteSuite(
  name: string,
  subject: PrimitivesSubject,
  extension?: CascadeExtension,
): void {
  const title = extension === undefined ? 'every primitive' : 'every primitive and an extension';
  describe(`cascade delete of a run that used ${title} (${name})`, () => {
    let f: AgentFixture;
    beforeEach(async () => {
      f = await openFixture(subject);
      for (const [run, parent] of [[DOOMED], [CHILD, DOOMED], [SIBLING]] as const)
        await useEverything(f.db, extension, run, parent);
    });
    afterEach(() => f.dispose());

    it('leaves zero keys of the run and its child, under every TypeTag, and the sibling untouched', async () => {
      const doomed = await dump(f.db, DOOMED);
      const child = await dump(f.db, CHILD);
      // The run really did store data under every run-scoped TypeTag, the extension's included.
      expect([...doomed.tags].sort((a, b) => a - b)).toEqual([
        TypeTag.KV,
        TypeTag.Event,
        TypeTag.State,
        TypeTag.Trace,
        ...(extension === undefined ? [] : [extension.tag]),
      ]);
      const sibling = await dump(f.db, SIBLING);
      const siblingRun = await f.db.runs.getRun(SIBLING);
      const siblingSize = await extension?.size(f.db.engine, SIBLING);
      if (extension !== undefined) expect(siblingSize).toBeGreaterThan(0);

      const { keysDeleted } = await f.db.runs.deleteRun(DOOMED, { recursive: true });
      // Data keys of both runs plus, per run, its record and index entries
      // (record, status, created, one tag, and the parent entry of the child).
      expect(keysDeleted).toBe(doomed.entries.length + child.entries.length + 4 + 5);

      for (const check of ['now', 'after reopen'] as const) {
        if (check === 'after reopen') await f.reopen();
        expect((await dump(f.db, DOOMED)).entries, check).toEqual([]);
        expect((await dump(f.db, CHILD)).entries, check).toEqual([]);
        expect(await f.db.runs.getRun(DOOMED)).toBeUndefined();
        expect(await f.db.runs.getRun(CHILD)).toBeUndefined();
        expect(await f.db.runs.queryRuns({ tag: 'cascade' })).toEqual([siblingRun]);
        expect(await dump(f.db, SIBLING)).toEqual(sibling);
        expect(await extension?.size(f.db.engine, SIBLING)).toBe(siblingSize);
        expect(await indexProblems(f.db.engine)).toEqual([]);
        expect(await f.db.engine.verify()).toEqual({ ok: true, problems: [] });
      }
    });

    it('is one commit whose log record deletes the extension keys with the rest', async () => {
      const extensionKeys: string[] = [];
      for await (const { key } of f.db.engine.scan(extension?.range(DOOMED) ?? runRange(DOOMED)))
        extensionKeys.push(Buffer.from(key).toString('hex'));
      expect(extensionKeys.length).toBeGreaterThan(0);
      const before = f.db.engine.stats().commits;
      await f.db.runs.deleteRun(DOOMED, { recursive: true });
      expect(f.db.engine.stats().commits).toBe(before + 1);
      let last: CommitRecord | undefined;
      for await (const c of f.db.engine.changes({ since: 0 })) last = c;
      const deleted = new Set(
        last!.writes.filter((w) => w.type === 'delete').map((w) => Buffer.from(w.key).toString('hex')),
      );
      for (const k of extensionKeys) expect(deleted.has(k)).toBe(true);
      expect(last!.runIds).toEqual(expect.arrayContaining([DOOMED, CHILD]));
    });

    it('a fresh run under the same id starts empty in every primitive, versions and sequences included', async () => {
      await f.db.runs.deleteRun(DOOMED, { recursive: true });
      await f.db.transaction(DOOMED, async (tx) => {
        await tx.runs.createRun();
        expect(await tx.state.init('lock', 'again')).toBe(1); // the high-water mark went with the run
        tx.events.append('restart', {});
      });
      expect((await f.db.events.head(DOOMED))?.sequence).toBe(0);
      if (extension !== undefined) expect(await extension.size(f.db.engine, DOOMED)).toBe(0);
      expect(await f.db.kv.list(DOOMED)).toEqual([]);
      expect(await f.db.traces.count(DOOMED)).toBe(0);
    });
  });
}
