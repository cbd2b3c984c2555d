import { isAgentDBError } from '@agentdb/core';
import { modelRunOptions } from '@agentdb/engine/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LogFixture, openLog } from './helpers.js';

/** A plain model of one run's log: the types and payloads in sequence order. */
type Model = { eventType: string; payload: number }[];

type Op =
  | { kind: 'append'; eventType: string; payload: number; expect: 'right' | 'wrong' | undefined }
  | { kind: 'tx'; items: { eventType: string; payload: number }[]; abort: boolean }
  | { kind: 'readRange'; start: number; end: number }
  | { kind: 'readByType'; eventType: string };

const type = fc.constantFrom('a', 'b', 'c');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('append' as const),
    eventType: type,
    payload: fc.integer(),
    expect: fc.option(fc.constantFrom('right' as const, 'wrong' as const), { nil: undefined }),
  }),
  fc.record({
    kind: fc.constant('tx' as const),
    items: fc.array(fc.record({ eventType: type, payload: fc.integer() }), { maxLength: 4 }),
    abort: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('readRange' as const), start: fc.nat(12), end: fc.nat(12) }),
  fc.record({ kind: fc.constant('readByType' as const), eventType: type }),
);

let f: LogFixture;
beforeAll(async () => {
  f = await openLog();
});
afterAll(() => f.t.dispose());

let runs = 0;

it('random appends, aborted transactions and reads agree with a plain array model', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 15 }), async (ops) => {
      const run = `model-${runs++}`;
      const model: Model = [];
      const view = (i: number) => ({
        sequence: i,
        eventType: model[i]!.eventType,
        payload: model[i]!.payload,
      });
      for (const o of ops) {
        if (o.kind === 'append') {
          const expectedSequence =
            o.expect === undefined ? undefined : model.length + (o.expect === 'wrong' ? 1 : 0);
          const call = f.events.append(
            run,
            o.eventType,
            o.payload,
            expectedSequence === undefined ? {} : { expectedSequence },
          );
          if (o.expect === 'wrong') {
            const error = await call.catch((e: unknown) => e);
            expect(isAgentDBError(error, 'VERSION_MISMATCH')).toBe(true);
          } else {
            expect((await call).sequence).toBe(model.length);
            model.push({ eventType: o.eventType, payload: o.payload });
          }
        } else if (o.kind === 'tx') {
          const committed = await f
            .db()
            .transaction(
              (tx) => {
                for (const item of o.items) f.events.in(tx, run).append(item.eventType, item.payload);
                if (o.abort) throw new Error('abort');
              },
              { runId: run },
            )
            .then(
              () => true,
              () => false,
            );
          expect(committed).toBe(!o.abort);
          if (committed) model.push(...o.items);
        } else if (o.kind === 'readRange') {
          const end = Math.max(o.start, o.end);
          const got = await f.events.readRange(run, o.start, end);
          const want = model.slice(o.start, end).map((_, i) => view(o.start + i));
          expect(
            got.map((e) => ({ sequence: e.sequence, eventType: e.eventType, payload: e.payload })),
          ).toEqual(want);
        } else {
          const got = await f.events.readByType(run, o.eventType);
          expect(got.map((e) => e.sequence)).toEqual(
            model.flatMap((m, i) => (m.eventType === o.eventType ? [i] : [])),
          );
        }
      }
      expect(await f.events.len(run)).toBe(model.length);
      expect((await f.events.head(run))?.sequence).toBe(model.length === 0 ? undefined : model.length - 1);
      expect(await f.events.verifyChain(run)).toEqual({ valid: true, length: model.length });
    }),
    modelRunOptions(40),
  );
});
