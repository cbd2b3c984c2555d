import type { ErrorCode } from '@agentdb/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine, EngineTransaction } from './contract.js';
import { MutationHandle } from './mutation-handle.js';
import { badRunIds, dumpStore, manualClock, openTestDatabase, refused } from './testing.js';

/**
 * The contract every primitive keeps — the five built-ins and any extension — as a vitest suite,
 * defined once and run by each primitive's tests (`@agentdb/engine/primitive-contract`): bad run ids
 * are refused by every method, `in(tx, runId?)` binds the right run and refuses what is not a
 * transaction, a view dies with its transaction, every refusal leaves the store exactly as it was
 * (also when the caller catches it inside a transaction and commits), and a closed engine answers
 * `CLOSED`.
 *
 * @example
 * // not run: it registers vitest suites (only a test file may), for KVStore of @agentdb/kv
 * primitiveContract({
 *   name: 'KVStore',
 *   create: (engine) => new KVStore(engine),
 *   in: (kv, tx, runId) => kv.in(tx, runId),
 *   seed: (kv, run) => kv.put(run, 'k', 1),
 *   byRun: { get: (kv, run) => kv.get(run, 'k'), put: (kv, run) => kv.put(run, 'k', 2) },
 *   viewCalls: { get: (v) => v.get('k') },
 *   write: (v) => v.put('probe', 1),
 *   written: (kv, run) => kv.exists(run, 'probe'),
 *   refusals: [['put of a bad key', (v) => v.put('', 1), 'INVALID_ARGUMENT']],
 * });
 */

/** A primitive as the suite drives it: `P` is its facade, `V` its transaction view. */
export interface PrimitiveSubject<P, V extends { readonly runId: string }> {
  /** The facade's class name, as test titles show it. */
  name: string;
  /** Builds the facade over `engine` (the suite also hands it things that are not engines). */
  create(engine: Engine): P;
  /** `facade.in(tx, runId?)`. */
  in(p: P, tx: EngineTransaction, runId?: string): V;
  /** Stores something in `runId`, so that "the store is unchanged" means more than "still empty". */
  seed(p: P, runId: string): Promise<unknown>;
  /** Every facade method that takes a run id, called on `runId` with otherwise valid arguments. */
  byRun: Record<string, (p: P, runId: string) => unknown>;
  /** Facade methods that take no run id (index-wide reads), for the `CLOSED` check. */
  global?: Record<string, (p: P) => unknown>;
  /** View methods with valid arguments, for "a view used after its transaction". */
  viewCalls: Record<string, (view: V) => unknown>;
  /** A write through a view (it may return a handle, which the suite does not await inside). */
  write(view: V): unknown;
  /** Whether `write` shows in `runId`, read through the facade. */
  written(p: P, runId: string): Promise<boolean>;
  /** Calls through a view that must be refused with a code, before anything is buffered. */
  refusals: readonly Refusal<V>[];
  /** A fresh, empty engine (default: a real LMDB directory with a manual clock). */
  open?: () => Promise<{ engine: Engine; dispose(): Promise<void> }>;
}

/** One refusal of a subject: what is tried, the call through a view, and the code it must answer. */
export type Refusal<V> = readonly [what: string, call: (view: V) => unknown, code: ErrorCode];

/**
 * Refusals from a bad-input table (`badKeyStrings()`, `badValues()`…): one per row, `call` given the
 * row's input, each titled `${what} ${row description}`.
 *
 * @example
 * type View = { put(key: string, value: number): Promise<void> }; // the primitive's transaction view
 * refusalsOf<View>(badKeyStrings(), 'put of a key that is', (v, key) => v.put(key as string, 1), 'INVALID_ARGUMENT');
 */
export function refusalsOf<V>(
  table: readonly (readonly [string, unknown, ...unknown[]])[],
  what: string,
  call: (view: V, bad: unknown) => unknown,
  code: ErrorCode,
): Refusal<V>[] {
  return table.map(([description, bad]) => [`${what} ${description}`, (view: V) => call(view, bad), code]);
}

const RUN = 'contract-run';
const OTHER = 'contract-other';

async function openDefault(): Promise<{ engine: Engine; dispose(): Promise<void> }> {
  const t = await openTestDatabase({ durability: 'buffered', clock: manualClock() });
  return { engine: t.db, dispose: () => t.dispose() };
}

/** Runs `call` to its end; a returned mutation handle is not awaited (it settles after commit). */
async function settle(call: () => unknown): Promise<void> {
  const out = call();
  if (!(out instanceof MutationHandle)) await out;
}

/** Runs `call` to its end; its error, or `undefined`. */
async function errorOf(call: () => unknown): Promise<unknown> {
  try {
    await settle(call);
    return undefined;
  } catch (error) {
    return error;
  }
}

/** Registers the primitive contract's tests for one primitive. */
export function primitiveContract<P, V extends { readonly runId: string }>(s: PrimitiveSubject<P, V>): void {
  const open = s.open ?? openDefault;

  /** One engine and facade for a `describe` block (seeded in `seeded`), closed after it. */
  const fixture = (seeded: string | undefined) => {
    const f = {} as { engine: Engine; p: P; dispose(): Promise<void> };
    beforeAll(async () => {
      const opened = await open();
      Object.assign(f, opened, { p: s.create(opened.engine) });
      if (seeded !== undefined) await s.seed(f.p, seeded);
    });
    afterAll(() => f.dispose());
    return f;
  };

  describe(`primitive contract: ${s.name}`, () => {
    describe('refusals change nothing', () => {
      const f = fixture(RUN);

      it.each([
        ['undefined', undefined],
        ['null', null],
        ['a plain object', {}],
        ['an object with a transaction method', { transaction: () => 1 }],
        ['a string', 'db'],
      ])(`new ${s.name}(%s) → INVALID_ARGUMENT`, (_what, bad) => {
        expect(() => s.create(bad as Engine)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      });

      it(`new ${s.name}(a transaction) → INVALID_ARGUMENT`, async () => {
        await f.engine.transaction((tx) => {
          expect(() => s.create(tx as unknown as Engine)).toThrow(
            expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
          );
        });
      });

      const byRun = Object.entries(s.byRun);
      it.each(badRunIds().flatMap(([what, bad]) => byRun.map(([m, call]) => [m, what, bad, call] as const)))(
        '%s with a run id that is %s → INVALID_ARGUMENT',
        async (_m, _what, bad, call) => {
          await refused(f.engine, () => call(f.p, bad as string), 'INVALID_ARGUMENT', { message: 'run id' });
        },
      );

      it.each(badRunIds().filter(([, bad]) => bad !== undefined))(
        'in(tx, a run id that is %s) → INVALID_ARGUMENT',
        async (_what, bad) => {
          await refused(
            f.engine,
            () => f.engine.transaction((tx) => s.in(f.p, tx, bad as string)),
            'INVALID_ARGUMENT',
            { message: 'run id' },
          );
        },
      );

      it('in(tx) with no run id on either side → INVALID_ARGUMENT', async () => {
        await refused(f.engine, () => f.engine.transaction((tx) => s.in(f.p, tx)), 'INVALID_ARGUMENT', {
          message: 'no run id',
        });
      });

      it.each([
        ['undefined', () => undefined],
        ['null', () => null],
        ['a plain object', () => ({ get: () => 1 })],
        ['the engine itself', () => f.engine],
      ])('in(%s) instead of a transaction → INVALID_ARGUMENT', async (_what, make) => {
        await refused(
          f.engine,
          () => s.in(f.p, make() as unknown as EngineTransaction, RUN),
          'INVALID_ARGUMENT',
          {
            message: 'transaction',
          },
        );
      });

      it.each(s.refusals)(
        '%s: refused inside a transaction that catches it and commits anyway, nothing buffered',
        async (_what, call, code) => {
          await refused(
            f.engine,
            async () => {
              const caught = await f.engine.transaction((tx) => errorOf(() => call(s.in(f.p, tx, RUN))));
              throw caught ?? new Error('the call was not refused');
            },
            code,
          );
        },
      );

      it.each(Object.entries(s.viewCalls))(
        'view.%s after its transaction finished → INVALID_ARGUMENT',
        async (_m, call) => {
          let view!: V;
          await f.engine.transaction((tx) => {
            view = s.in(f.p, tx, RUN);
          });
          await refused(f.engine, () => call(view), 'INVALID_ARGUMENT');
        },
      );
    });

    describe('in() binding', () => {
      const f = fixture(undefined);

      it.each([
        ['in(tx) binds the run the transaction was opened for', 'bind-a', undefined],
        ['in(tx, runId) binds runId, over the transaction’s own', 'bind-b', 'bind-c'],
      ])('%s, and its writes commit with the transaction', async (_what, txRun, viewRun) => {
        const bound = viewRun ?? txRun;
        await f.engine.transaction(
          async (tx) => {
            const view = s.in(f.p, tx, viewRun);
            expect(view.runId).toBe(bound);
            await settle(() => s.write(view));
          },
          { runId: txRun },
        );
        expect(await s.written(f.p, bound)).toBe(true);
        expect(await s.written(f.p, bound === txRun ? 'bind-other' : txRun)).toBe(false);
      });

      /** Writes through views of two runs in one transaction. */
      const writeBoth = async (tx: EngineTransaction) => {
        await settle(() => s.write(s.in(f.p, tx, 'both-a')));
        await settle(() => s.write(s.in(f.p, tx, 'both-b')));
      };

      it('views of two runs in one transaction commit together, or not at all', async () => {
        const boom = new Error('abort after the writes');
        const before = await dumpStore(f.engine);
        const attempt = f.engine.transaction(async (tx) => {
          await writeBoth(tx);
          throw boom;
        });
        await expect(attempt).rejects.toBe(boom);
        expect(await dumpStore(f.engine)).toEqual(before);
        await f.engine.transaction(writeBoth);
        expect([await s.written(f.p, 'both-a'), await s.written(f.p, 'both-b')]).toEqual([true, true]);
      });
    });

    it('every method of a closed engine → CLOSED', async () => {
      const { engine, dispose } = await open();
      const p = s.create(engine);
      await s.seed(p, OTHER);
      await engine.close();
      const calls = [
        ...Object.entries(s.byRun).map(([m, call]) => [m, () => call(p, OTHER)] as const),
        ...Object.entries(s.global ?? {}).map(([m, call]) => [m, () => call(p)] as const),
      ];
      for (const [m, call] of calls) {
        expect(await errorOf(call), m).toMatchObject({ code: 'CLOSED' });
      }
      await dispose();
    });
  });
}
