import { decodeKey, Key, TypeTag, textPrefixRange } from '@agentdb/core';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EngineTransaction } from '../src/index.js';
import { modelRunOptions, openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

/*
 * Serializability as a property: a few transactions run concurrently, their steps interleaved in a
 * random order that fast-check controls (`fc.scheduler`: every step waits for its turn), against a real
 * LMDB database. Whatever the interleaving, the outcome must be that of some serial execution:
 *
 * - the committed writers, replayed one after the other in commit order (read from the commit log) on
 *   a plain Map, observe exactly what they observed in the database and leave exactly its final state;
 * - a read-only transaction observes exactly the state after some prefix of that order.
 *
 * Writes depend on what was read (a put stores the sum of everything read so far), so a lost update,
 * write skew or phantom would change a value and fail the comparison. On failure fast-check prints the
 * seed and path; `MODEL_SEED=<seed> MODEL_PATH=<path> npx vitest run test/serializability.test.ts`
 * replays it.
 */

const KEYS = ['k0', 'k1', 'k2', 'k3'] as const;
type Name = (typeof KEYS)[number];

type Step =
  | { op: 'get'; key: Name }
  | { op: 'scan' }
  | { op: 'put'; key: Name; add: number }
  | { op: 'delete'; key: Name };

/** What one attempt of a transaction saw: each read's answer, in order. */
type Observed = (number | null | [string, number][])[];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: fc.constantFrom(...KEYS) }),
  fc.record({ op: fc.constant('scan' as const) }),
  {
    arbitrary: fc.record({
      op: fc.constant('put' as const),
      key: fc.constantFrom(...KEYS),
      add: fc.integer({ min: 1, max: 9 }),
    }),
    weight: 2,
  },
  fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
);
const programArb = fc.array(stepArb, { minLength: 1, maxLength: 5 });
const initialArb = fc.record(
  Object.fromEntries(
    KEYS.map((k) => [k, fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined })]),
  ) as Record<Name, fc.Arbitrary<number | undefined>>,
);

const isWriter = (program: Step[]) => program.some((s) => s.op === 'put' || s.op === 'delete');

/** Runs `program` on a Map standing for the data keys; returns what it observed. */
function runOnModel(program: Step[], state: Map<Name, number>): Observed {
  const observed: Observed = [];
  let sum = 0;
  for (const step of program) {
    switch (step.op) {
      case 'get': {
        const v = state.get(step.key);
        observed.push(v ?? null);
        sum += v ?? 0;
        break;
      }
      case 'scan': {
        const all = KEYS.filter((k) => state.has(k)).map((k): [string, number] => [k, state.get(k)!]);
        observed.push(all);
        for (const [, v] of all) sum += v;
        break;
      }
      case 'put':
        state.set(step.key, sum + step.add);
        break;
      case 'delete':
        state.delete(step.key);
        break;
    }
  }
  return observed;
}

let t: TestDatabase;
let round = 0;
beforeAll(async () => {
  t = await openTestDatabase({ durability: 'buffered' });
});
afterAll(() => t.dispose());

it('concurrent transactions in any interleaving equal a serial execution in commit order', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(programArb, { minLength: 2, maxLength: 5 }),
      initialArb,
      fc.scheduler(),
      async (programs, initial, s) => {
        const run = `ser-${++round}`;
        const key = (name: string) => Key.kv(run, name);
        const dataRange = textPrefixRange(run, TypeTag.KV, [], 'k');
        await t.db.transaction((tx) => {
          for (const k of KEYS) if (initial[k] !== undefined) tx.put(key(k), initial[k]);
        });
        const since = t.db.stats().version;

        // Each transaction records what its last (committing) attempt observed.
        const observed: Observed[] = programs.map(() => []);
        const attempt = (i: number) => async (tx: EngineTransaction) => {
          const seen: Observed = [];
          observed[i] = seen;
          let sum = 0;
          for (const [j, step] of programs[i]!.entries()) {
            await s.schedule(Promise.resolve(), `tx ${i} step ${j}: ${step.op}`);
            switch (step.op) {
              case 'get': {
                const v = (await tx.get(key(step.key))) as number | undefined;
                seen.push(v ?? null);
                sum += v ?? 0;
                break;
              }
              case 'scan': {
                const all = (await collect(tx.scan(dataRange))).map((e): [string, number] => [
                  decodeKey(e.key).parts[0] as string,
                  e.value as number,
                ]);
                seen.push(all);
                for (const [, v] of all) sum += v;
                break;
              }
              case 'put':
                tx.put(key(step.key), sum + step.add);
                break;
              case 'delete':
                tx.delete(key(step.key));
                break;
            }
          }
          // A blind write naming the transaction, so that the commit log tells the commit order.
          if (isWriter(programs[i]!)) tx.put(key(`mark-${i}`), i);
        };
        const settled = Promise.allSettled(
          programs.map((_, i) => t.db.transaction(attempt(i), { retries: 100 })),
        );
        const results = await s.waitFor(settled);
        for (const r of results) if (r.status === 'rejected') throw r.reason;

        // The commit order of the writers, from the log.
        const order: number[] = [];
        for await (const record of t.db.changes({ since })) {
          for (const w of record.writes) {
            const name = decodeKey(w.key).parts[0];
            if (typeof name === 'string' && name.startsWith('mark-')) order.push(Number(name.slice(5)));
          }
        }
        expect([...order].sort()).toEqual(programs.flatMap((p, i) => (isWriter(p) ? [i] : [])));

        // Replay the writers serially; remember every intermediate state for the readers.
        const model = new Map<Name, number>();
        for (const k of KEYS) if (initial[k] !== undefined) model.set(k, initial[k]);
        const states = [new Map(model)];
        for (const i of order) {
          expect(observed[i], `writer ${i} (commit order ${order.join(', ')})`).toEqual(
            runOnModel(programs[i]!, model),
          );
          states.push(new Map(model));
        }
        const stored = new Map<Name, number>();
        for (const e of await collect(t.db.scan(dataRange))) {
          stored.set(decodeKey(e.key).parts[0] as Name, e.value as number);
        }
        expect(stored).toEqual(model);

        // A read-only transaction saw one of those states.
        for (const [i, program] of programs.entries()) {
          if (isWriter(program)) continue;
          const fits = states.some((state) => {
            const copy = new Map(state);
            return JSON.stringify(runOnModel(program, copy)) === JSON.stringify(observed[i]);
          });
          expect(fits, `reader ${i} saw ${JSON.stringify(observed[i])}`).toBe(true);
        }
      },
    ),
    modelRunOptions(60),
  );
  expect((await t.db.verify()).ok).toBe(true);
});
