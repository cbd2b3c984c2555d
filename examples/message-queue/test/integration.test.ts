import {
  AgentDBError,
  decodeKey,
  isAgentDBError,
  Key,
  registerTypeTag,
  runRange,
  typeTagName,
} from '@agentdb/core';
import type { CommitRecord, MutationHandle } from '@agentdb/engine';
import { describe, expect, it } from 'vitest';
import {
  MESSAGE_QUEUE_TAG,
  MESSAGE_QUEUE_TAG_NAME,
  messageQueueRange,
  registerMessageQueueTag,
} from '../src/index.js';
import { dumpRun, keysOfRun, range, sendAll, useQueue } from './helpers.js';

const RUN = 'run-int';

describe('the TypeTag', () => {
  it('is 0x10 "message-queue", registered at import; registering again is harmless', () => {
    expect(MESSAGE_QUEUE_TAG).toBe(0x10);
    expect(typeTagName(0x10)).toBe(MESSAGE_QUEUE_TAG_NAME);
    expect(() => registerMessageQueueTag()).not.toThrow();
    expect(() => registerTypeTag(0x10, 'message-queue')).not.toThrow();
  });

  it('cannot be taken by another extension in the same process', () => {
    const error = (() => {
      try {
        registerTypeTag(0x10, 'someone-else');
      } catch (e) {
        return e;
      }
    })();
    expect(isAgentDBError(error, 'ALREADY_EXISTS')).toBe(true);
  });
});

describe('cross-primitive transactions', () => {
  const f = useQueue();

  it('send + kv put, then a throw: neither is written and the send handle rejects with the error', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'q', [1]);
    const before = { version: db.stats().version, data: await dumpRun(db, RUN) };
    const boom = new Error('boom');
    let handle!: MutationHandle<number>;
    await expect(
      db.transaction(
        (tx) => {
          tx.put(Key.kv(RUN, 'plan'), 'p');
          handle = queue.in(tx).send('q', 2);
          throw boom;
        },
        { runId: RUN },
      ),
    ).rejects.toBe(boom);
    await expect(handle).rejects.toBe(boom);
    expect({ version: db.stats().version, data: await dumpRun(db, RUN) }).toStrictEqual(before);
  });

  it('receive + kv put, then a throw: the message stays queued and nothing is written', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'q', [1, 2]);
    const before = await dumpRun(db, RUN);
    await expect(
      db.transaction(
        async (tx) => {
          const got = await queue.in(tx).receive('q');
          tx.put(Key.kv(RUN, 'handled'), got[0]!.message);
          throw new AgentDBError('INVALID_ARGUMENT', 'handler failed');
        },
        { runId: RUN },
      ),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await dumpRun(db, RUN)).toStrictEqual(before);
    expect((await queue.peek(RUN, 'q')).map((m) => m.message)).toEqual([1]);
  });

  it('receive + kv put commit together: the message is consumed exactly when its result is stored', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'jobs', [10, 20]);
    await db.transaction(
      async (tx) => {
        const [job] = await queue.in(tx).receive('jobs');
        tx.put(Key.kv(RUN, `done:${job!.sequence}`), (job!.message as number) * 2);
      },
      { runId: RUN },
    );
    expect(await db.get(Key.kv(RUN, 'done:0'))).toBe(20);
    expect(await queue.size(RUN, 'jobs')).toBe(1);
  });

  it('inside a transaction, receive/peek/size see its snapshot and its own receives, not its own sends', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'q', [1, 2, 3]);
    let seen: unknown[] = [];
    let handle!: MutationHandle<number>;
    await db.transaction(
      async (tx) => {
        const view = queue.in(tx);
        handle = view.send('q', 4);
        const first = await view.receive('q');
        seen = [
          first.map((m) => m.message),
          await view.size('q'),
          (await view.peek('q', { max: 10 })).map((m) => m.message),
          (await view.receive('q', { max: 10 })).map((m) => m.message),
          await view.size('q'),
          await view.queues(),
        ];
      },
      { runId: RUN },
    );
    expect(seen).toEqual([[1], 2, [2, 3], [2, 3], 0, ['q']]);
    expect(await handle).toBe(3);
    expect((await queue.peek(RUN, 'q', { max: 10 })).map((m) => m.message)).toEqual([4]);
  });

  it('a view may be bound to another run than the transaction’s', async () => {
    const { queue, db } = f();
    await db.transaction(
      (tx) => {
        queue.in(tx).send('q', 'default run');
        queue.in(tx, 'run-other').send('q', 'other run');
      },
      { runId: RUN },
    );
    expect((await queue.peek(RUN, 'q'))[0]!.message).toBe('default run');
    expect((await queue.peek('run-other', 'q'))[0]!.message).toBe('other run');
  });

  it('awaiting a send handle inside the transaction is refused at once, never a hang', async () => {
    const { queue, db } = f();
    const error = await db
      .transaction(async (tx) => queue.in(tx, RUN).send('q', 1).then(), { runId: RUN })
      .catch((e: unknown) => e);
    expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
    expect(await queue.size(RUN, 'q')).toBe(0);
  });
});

describe('commit log and cascade delete', () => {
  const f = useQueue();

  it('db.changes() shows every write of send and receive under tag 0x10 and the run', async () => {
    const { queue, db } = f();
    const since = db.stats().version;
    await queue.send(RUN, 'q', 'hello');
    await queue.receive(RUN, 'q');
    const records: CommitRecord[] = [];
    for await (const r of db.changes({ since })) records.push(r);
    expect(records.length).toBe(2);
    const summary = records.map((r) => ({
      runIds: r.runIds,
      writes: r.writes
        .map((w) => {
          const k = decodeKey(w.key);
          return `${w.type} ${k.tag} ${k.parts.join('/')}`;
        })
        .sort(),
    }));
    expect(summary).toEqual([
      { runIds: [RUN], writes: ['put 16 msg/q/0', 'put 16 tail/q'] },
      { runIds: [RUN], writes: ['delete 16 msg/q/0', 'put 16 head/q'] },
    ]);
    expect((await db.verify()).ok).toBe(true);
  });

  it('every key lies inside runRange(runId); deleting that range in one transaction leaves zero keys', async () => {
    const { queue, db } = f();
    await sendAll(f(), RUN, 'a', range(50));
    await sendAll(f(), RUN, 'b', [1, 2]);
    await queue.receive(RUN, 'a', { max: 5 });
    await db.transaction((tx) => tx.put(Key.kv(RUN, 'k'), 1));
    await sendAll(f(), 'run-kept', 'a', [1]);
    const run = runRange(RUN);
    const queueKeys: Uint8Array[] = [];
    for await (const { key } of db.scan(messageQueueRange(RUN))) queueKeys.push(key);
    // 45 + 2 messages, a tail per queue, a head only for `a` (the one received from).
    expect(queueKeys.length).toBe(45 + 2 + 2 + 1);
    for (const key of queueKeys) {
      expect(Buffer.compare(key, run.start)).toBeGreaterThanOrEqual(0);
      expect(Buffer.compare(key, run.end)).toBeLessThan(0);
      expect(decodeKey(key)).toMatchObject({ runId: RUN, tag: MESSAGE_QUEUE_TAG });
    }
    await db.transaction(async (tx) => {
      for await (const { key } of tx.scan(runRange(RUN))) tx.delete(key);
    });
    expect(await keysOfRun(db, RUN)).toEqual([]);
    expect(await queue.queues(RUN)).toEqual([]);
    expect(await queue.size(RUN, 'a')).toBe(0);
    expect(await queue.size('run-kept', 'a')).toBe(1);
    // A deleted run starts afresh.
    expect(await queue.send(RUN, 'a', 'again')).toBe(0);
    expect((await db.verify()).ok).toBe(true);
  });
});
