import { modelRunOptions } from '@agentdb/engine/testing';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { isQueueFull, MessageQueue } from '../src/index.js';
import { useQueue } from './helpers.js';

/** A plain model: per queue, the next sequence and the messages still queued, oldest first. */
type Model = Map<string, { next: number; items: { sequence: number; message: number }[] }>;

const CAPACITY = 4;
const QUEUES = ['a', 'b'] as const;

type Op =
  | { kind: 'send'; queue: string; message: number }
  | { kind: 'sendTx'; items: { queue: string; message: number }[]; abort: boolean }
  | { kind: 'receive'; queue: string; max: number; abort: boolean }
  | { kind: 'peek'; queue: string; max: number };

const queue = fc.constantFrom(...QUEUES);
const max = fc.integer({ min: 1, max: 5 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), queue, message: fc.integer() }),
  fc.record({
    kind: fc.constant('sendTx' as const),
    items: fc.array(fc.record({ queue, message: fc.integer() }), { minLength: 1, maxLength: 4 }),
    abort: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('receive' as const), queue, max, abort: fc.boolean() }),
  fc.record({ kind: fc.constant('peek' as const), queue, max }),
);

function clone(model: Model): Model {
  return new Map([...model].map(([k, v]) => [k, { next: v.next, items: [...v.items] }]));
}

/** Applies sends to a copy of the model; `undefined` if one overflows (the whole transaction fails). */
function modelSend(model: Model, items: { queue: string; message: number }[]): Model | undefined {
  const out = clone(model);
  for (const { queue: q, message } of items) {
    const s = out.get(q) ?? { next: 0, items: [] };
    if (s.items.length >= CAPACITY) return undefined;
    s.items.push({ sequence: s.next++, message });
    out.set(q, s);
  }
  return out;
}

const f = useQueue({ scope: 'file' });
let runs = 0;

it('random sends, receives, aborted transactions and peeks agree with a plain array model', async () => {
  const { db } = f();
  const mq = new MessageQueue(db, { capacity: CAPACITY });
  await fc.assert(
    fc.asyncProperty(fc.array(op, { maxLength: 20 }), async (ops) => {
      const run = `model-${runs++}`;
      let model: Model = new Map();
      for (const o of ops) {
        if (o.kind === 'send' || o.kind === 'sendTx') {
          const items = o.kind === 'send' ? [o] : o.items;
          const abort = o.kind === 'sendTx' && o.abort;
          const after = modelSend(model, items);
          const outcome = await db
            .transaction(
              (tx) => {
                for (const it of items) mq.in(tx).send(it.queue, it.message);
                if (abort) throw new Error('abort');
              },
              { runId: run },
            )
            .then(
              () => 'ok',
              (e: unknown) => (isQueueFull(e) ? 'full' : (e as Error).message),
            );
          expect(outcome).toBe(abort ? 'abort' : after === undefined ? 'full' : 'ok');
          if (outcome === 'ok') model = after!;
        } else if (o.kind === 'receive') {
          const s = model.get(o.queue);
          const expected = s?.items.slice(0, o.max) ?? [];
          const got = await db
            .transaction(
              async (tx) => {
                const r = await mq.in(tx).receive(o.queue, { max: o.max });
                if (o.abort) throw new Error('abort');
                return r;
              },
              { runId: run },
            )
            .catch(() => undefined);
          if (o.abort) expect(got).toBeUndefined();
          else {
            expect(got!.map((m) => ({ sequence: m.sequence, message: m.message }))).toEqual(expected);
            s?.items.splice(0, expected.length);
          }
        } else {
          const got = await mq.peek(run, o.queue, { max: o.max });
          expect(got.map((m) => ({ sequence: m.sequence, message: m.message }))).toEqual(
            model.get(o.queue)?.items.slice(0, o.max) ?? [],
          );
        }
        // After every step: sizes, full contents and the list of queues.
        for (const q of QUEUES) {
          expect(await mq.size(run, q)).toBe(model.get(q)?.items.length ?? 0);
          const all = await mq.peek(run, q, { max: 10 });
          expect(all.map((m) => ({ sequence: m.sequence, message: m.message }))).toEqual(
            model.get(q)?.items ?? [],
          );
        }
        expect(await mq.queues(run)).toEqual([...model.keys()].sort());
      }
    }),
    modelRunOptions(60),
  );
});
