import { describe, expect, it } from 'vitest';
import { range, sendAll, useQueue } from './helpers.js';

const RUN = 'run-conc';

describe('concurrency', () => {
  const f = useQueue();

  it('500 concurrent sends get the contiguous sequences 0–499 with zero conflicts', async () => {
    const { queue, db } = f();
    const before = db.stats();
    const seqs = await Promise.all(range(500).map((i) => queue.send(RUN, 'jobs', i)));
    const after = db.stats();
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(500));
    expect(after.conflicts - before.conflicts).toBe(0);
    expect(after.retries - before.retries).toBe(0);
    expect(await queue.size(RUN, 'jobs')).toBe(500);
    // The sequence a send returned is the position its message holds.
    const got = await queue.receive(RUN, 'jobs', { max: 500 });
    expect(got.map((m) => m.sequence)).toEqual(range(500));
    for (const m of got) expect(m.message).toBe(seqs.indexOf(m.sequence));
  });

  it('10 concurrent receivers draining 200 messages get each message exactly once', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'work', range(200));
    const before = db.stats();
    const receiver = async (max: number) => {
      const mine: number[] = [];
      for (;;) {
        const batch = await queue.receive(RUN, 'work', { max });
        if (batch.length === 0) return mine;
        // Each batch is a contiguous run of the oldest messages.
        expect(batch.map((m) => m.sequence - batch[0]!.sequence)).toEqual(range(batch.length));
        mine.push(...batch.map((m) => m.message as number));
      }
    };
    const perReceiver = await Promise.all(range(10).map((i) => receiver(1 + (i % 3))));
    const all = perReceiver.flat();
    expect(all.length).toBe(200);
    expect(new Set(all).size).toBe(200);
    expect([...all].sort((a, b) => a - b)).toEqual(range(200));
    expect(await queue.size(RUN, 'work')).toBe(0);
    const conflicts = db.stats().conflicts - before.conflicts;
    console.log(
      `10 receivers × 200 messages: ${perReceiver.map((r) => r.length).join('/')} each, ${conflicts} conflicts retried`,
    );
  });

  it('senders and receivers running at once lose nothing and duplicate nothing', async () => {
    const { queue } = f();
    const sends = Promise.all(range(300).map((i) => queue.send(RUN, 'mixed', i)));
    const received: number[] = [];
    let sendsDone = false;
    void sends.then(() => {
      sendsDone = true;
    });
    const receiver = async () => {
      for (;;) {
        const done = sendsDone; // read before receiving: an empty batch after the sends ended is final
        const batch = await queue.receive(RUN, 'mixed', { max: 7 });
        received.push(...batch.map((m) => m.message as number));
        if (batch.length === 0 && done) return;
        if (batch.length === 0) await new Promise((r) => setTimeout(r, 1));
      }
    };
    await Promise.all([sends, receiver(), receiver(), receiver()]);
    expect(received.length).toBe(300);
    expect([...received].sort((a, b) => a - b)).toEqual(range(300));
    expect(await queue.size(RUN, 'mixed')).toBe(0);
  });

  it('200 receives and in-transaction peeks in a row never exhaust LMDB’s 126 reader slots', async () => {
    // Regression: a limited tx.scan left unfinished pins its LMDB read transaction for good; one per
    // commit filled the reader table (MDB_READERS_FULL) after about 120 receives.
    const { queue, db } = f();
    await sendAll(f(), RUN, 'slots', range(400));
    for (let i = 0; i < 200; i++) {
      const [peeked] = await db.transaction((tx) => queue.in(tx).peek('slots'), { runId: RUN });
      const [got] = await queue.receive(RUN, 'slots');
      expect(got!.sequence).toBe(peeked!.sequence);
    }
    expect(await queue.size(RUN, 'slots')).toBe(200);
    expect(db.stats().openSnapshots).toBe(0);
  });
});
