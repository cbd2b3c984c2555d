import type { Value } from '@agentdb/core';
import type { Database, MutationHandle } from '@agentdb/engine';
import { type ManualClock, manualClock, openTestDatabase, type TestDatabase } from '@agentdb/engine/testing';
import { type Event, EventLog } from '../src/index.js';

/** A log on a real LMDB directory with a manual clock. `events` and `db()` follow reopens. */
export interface LogFixture {
  t: TestDatabase;
  clock: ManualClock;
  readonly events: EventLog;
  db(): Database;
}

export async function openLog(opts: { durability?: 'strict' | 'buffered' } = {}): Promise<LogFixture> {
  const clock = manualClock();
  const t = await openTestDatabase({ durability: opts.durability ?? 'buffered', clock });
  return {
    t,
    clock,
    get events() {
      return new EventLog(t.db); // stateless: a fresh facade per use is the same log
    },
    db: () => t.db,
  };
}

/** Appends `count` events in transactions of `perTx`, with types from `typeOf(i)`. */
export async function appendMany(
  f: LogFixture,
  runId: string,
  count: number,
  typeOf: (i: number) => string = () => 'step',
  payloadOf: (i: number) => Value = (i) => ({ i }),
  perTx = 1000,
): Promise<Event[]> {
  const out: Event[] = [];
  for (let base = 0; base < count; base += perTx) {
    const handles: MutationHandle<Event>[] = [];
    await f.db().transaction(
      (tx) => {
        const view = f.events.in(tx);
        for (let i = base; i < Math.min(count, base + perTx); i++)
          handles.push(view.append(typeOf(i), payloadOf(i)));
      },
      { runId },
    );
    for (const h of handles) out.push(await h);
  }
  return out;
}
