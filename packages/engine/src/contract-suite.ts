import { type Clock, type EncodedKey, Key, runRange } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine, EngineTransaction } from './contract.js';
import { isEngine, isEngineTransaction } from './contract.js';
import type { MutationHandle } from './mutation-handle.js';

/**
 * The engine contract as a vitest suite, defined once and run unchanged by every engine: the LMDB
 * engine in this package, the Postgres engine in `@agentdb/postgres`. Import it from
 * `@agentdb/engine/contract` in a test file:
 *
 * @example
 * // not run: it registers vitest suites, which only a test file may do
 * import { engineContract } from '@agentdb/engine/contract';
 * engineContract('lmdb', { open: ({ clock }) => Database.open({ path: tempDir(), clock, sweepIntervalMs: 0 }) });
 */

/** How the suite gets a fresh, empty engine for each test. */
export interface ContractSubject {
  /** Opens a new, empty engine on `clock` with no background sweeper. The suite closes it. */
  open(opts: { clock: Clock }): Promise<Engine>;
}

/** A clock the suite moves by hand. */
function testClock(): Clock & { advance(ms: number): void } {
  let now = 1_700_000_000_000;
  const clock = (() => now) as Clock & { advance(ms: number): void };
  clock.advance = (ms) => {
    now += ms;
  };
  return clock;
}

const k = (name: string | number, run = 'r') => Key.kv(run, String(name));

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** Registers the contract's tests for one engine. */
export function engineContract(name: string, subject: ContractSubject): void {
  describe(`engine contract: ${name}`, () => {
    let engine: Engine;
    let clock: ReturnType<typeof testClock>;
    const open = async () => {
      clock = testClock();
      engine = await subject.open({ clock });
      return engine;
    };
    afterEach(async () => {
      await engine?.close();
    });

    describe('identity', () => {
      it('is branded as an engine, and so are its transactions', async () => {
        const db = await open();
        expect(isEngine(db)).toBe(true);
        expect(isEngine({ ...db })).toBe(false);
        await db.transaction((tx) => {
          expect(isEngineTransaction(tx)).toBe(true);
        });
      });
    });

    describe('reads and writes', () => {
      it('reads back what was written, with commit versions that grow (A→B→A is visible)', async () => {
        const db = await open();
        await db.transaction((tx) => tx.put(k('a'), 'A'));
        const first = await db.getEntry(k('a'));
        await db.transaction((tx) => tx.put(k('a'), 'B'));
        await db.transaction((tx) => tx.put(k('a'), 'A'));
        const third = await db.getEntry(k('a'));
        expect(first?.value).toBe('A');
        expect(third?.value).toBe('A');
        expect(third!.version).toBeGreaterThan(first!.version);
        expect(await db.getMany([k('a'), k('missing')])).toEqual(['A', undefined]);
        await db.transaction((tx) => tx.delete(k('a')));
        expect(await db.get(k('a'))).toBeUndefined();
      });

      it('values round-trip exactly: bigint, bytes, dates, -0, nesting', async () => {
        const db = await open();
        const value = {
          n: 10n ** 30n,
          b: new Uint8Array([0, 255]),
          d: new Date(0),
          z: -0,
          list: [null, true, 'x'],
        };
        await db.transaction((tx) => tx.put(k('v'), value));
        const back = (await db.get(k('v'))) as typeof value;
        expect(back).toEqual(value);
        expect(Object.is(back.z, -0)).toBe(true);
      });

      it('a transaction reads its own writes, and its scans merge them in key order', async () => {
        const db = await open();
        await db.transaction((tx) => {
          tx.put(k('b'), 2);
          tx.put(k('d'), 4);
        });
        const seen = await db.transaction(async (tx) => {
          tx.put(k('a'), 1);
          tx.put(k('c'), 3);
          tx.delete(k('d'));
          expect(await tx.get(k('a'))).toBe(1);
          return (await collect(tx.scan(runRange('r')))).map((e) => e.value);
        });
        expect(seen).toEqual([1, 2, 3]);
        expect(
          (await collect(db.scan(runRange('r'), { reverse: true, limit: 2 }))).map((e) => e.value),
        ).toEqual([3, 2]);
      });
    });

    describe('serializability', () => {
      it('no lost update: 50 concurrent read-modify-write increments end at exactly 50', async () => {
        const db = await open();
        await Promise.all(
          Array.from({ length: 50 }, () =>
            db.transaction(async (tx) => tx.put(k('n'), Number((await tx.get(k('n'))) ?? 0) + 1), {
              retries: 100,
            }),
          ),
        );
        expect(await db.get(k('n'))).toBe(50);
      });

      it('no write skew: two doctors on call, each may leave only if the other stays', async () => {
        const db = await open();
        await db.transaction((tx) => {
          tx.put(k('alice'), true);
          tx.put(k('bob'), true);
        });
        const leave = (me: string, other: string) =>
          db.transaction(async (tx) => {
            const [a, b] = [await tx.get(k(me)), await tx.get(k(other))];
            if (a && b) tx.put(k(me), false);
          });
        await Promise.all([leave('alice', 'bob'), leave('bob', 'alice')]);
        expect([await db.get(k('alice')), await db.get(k('bob'))]).toContain(true);
      });

      it('no phantoms: 10 concurrent "insert if fewer than 3 in the range" end with exactly 3', async () => {
        const db = await open();
        await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            db.transaction(
              async (tx) => {
                const taken = await collect(tx.scan(runRange('seats')));
                if (taken.length < 3) tx.put(k(i, 'seats'), i);
              },
              { retries: 100 },
            ),
          ),
        );
        expect((await collect(db.scan(runRange('seats')))).length).toBe(3);
      });

      it('a read-only transaction never conflicts', async () => {
        const db = await open();
        await db.transaction((tx) => tx.put(k('x'), 0));
        const reader = db.transaction(
          async (tx) => {
            const before = await tx.get(k('x'));
            await db.transaction((w) => w.put(k('x'), 1)); // committed while the reader runs
            return before;
          },
          { retries: 1 },
        );
        expect(await reader).toBe(0);
      });

      it('CONFLICT after the attempts are used up', async () => {
        const db = await open();
        const always = db.transaction(
          async (tx) => {
            const n = Number((await tx.get(k('hot'))) ?? 0);
            await db.transaction((w) => w.put(k('hot'), n + 100));
            tx.put(k('hot'), n + 1);
          },
          { retries: 3 },
        );
        await expect(always).rejects.toMatchObject({ code: 'CONFLICT' });
      });
    });

    describe('atomicity', () => {
      it('a transaction that throws leaves nothing; the error propagates unchanged', async () => {
        const db = await open();
        const boom = new Error('boom');
        await expect(
          db.transaction((tx) => {
            tx.put(k('a'), 1);
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await db.get(k('a'))).toBeUndefined();
      });

      it('concurrent readers never see half of a transaction', async () => {
        const db = await open();
        await db.transaction((tx) => {
          tx.put(k('a'), 0);
          tx.put(k('b'), 0);
        });
        const writers = Array.from({ length: 30 }, (_, i) =>
          db.transaction((tx) => {
            tx.put(k('a'), i + 1);
            tx.put(k('b'), i + 1);
          }),
        );
        const reads: (unknown[] | undefined)[] = [];
        for (let i = 0; i < 30; i++) reads.push(await db.getMany([k('a'), k('b')]));
        await Promise.all(writers);
        for (const r of reads) expect(r![0]).toBe(r![1]);
      });
    });

    describe('commit-time mutations', () => {
      it('200 concurrent appends get contiguous sequences without a conflict surfacing', async () => {
        const db = await open();
        const handles: MutationHandle<number>[] = [];
        await Promise.all(
          Array.from({ length: 200 }, () =>
            db.transaction((tx) => {
              handles.push(
                tx.mutate(k('head'), (head, ctx) => {
                  const seq = head === undefined ? 0 : Number(head) + 1;
                  ctx.put(Key.event('r', seq), seq);
                  return { value: seq, result: seq };
                }),
              );
            }),
          ),
        );
        const sequences = (await Promise.all(handles)).sort((a, b) => a - b);
        expect(sequences).toEqual(Array.from({ length: 200 }, (_, i) => i));
        expect(await db.get(k('head'))).toBe(199);
      });

      it("getPending previews a key's pending mutations on the snapshot; get and getMany do not", async () => {
        const db = await open();
        await db.transaction((tx) => tx.put(k('n'), 5));
        const seen = await db.transaction(async (tx) => {
          tx.mutate(k('n'), (n) => ({ value: Number(n) + 1, result: null }));
          tx.mutate(k('n'), (n) => ({ value: Number(n) * 10, result: null }));
          return [
            await tx.getPending(k('n')),
            await tx.get(k('n')),
            await tx.getMany([k('n')]),
            await tx.getPending(k('x')),
          ];
        });
        expect(seen).toEqual([60, 5, [5], undefined]);
        expect(await db.get(k('n'))).toBe(60);
      });

      it('awaiting a handle inside the transaction is refused at once; an aborted one rejects', async () => {
        const db = await open();
        await expect(
          db.transaction(async (tx) => {
            await tx.mutate(k('m'), () => ({ value: 1, result: 1 }));
          }),
        ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
        let handle!: MutationHandle<number>;
        await expect(
          db.transaction((tx) => {
            handle = tx.mutate(k('m'), () => ({ value: 1, result: 1 }));
            throw new Error('abort');
          }),
        ).rejects.toThrow('abort');
        await expect(handle).rejects.toThrow('abort');
        expect(await db.get(k('m'))).toBeUndefined();
      });
    });

    describe('the change feed', () => {
      it('yields every commit once, in order, with its writes; follow waits for new ones', async () => {
        const db = await open();
        for (let i = 0; i < 5; i++) await db.transaction((tx) => tx.put(k(i), i));
        const all = await collect(db.changes());
        expect(all.map((c) => c.version)).toEqual([...all.map((c) => c.version)].sort((a, b) => a - b));
        expect(all.length).toBe(5);
        const since = all[2]!.version;
        expect((await collect(db.changes({ since }))).length).toBe(2);
        expect(all[0]!.writes.map((w) => w.key)).toEqual([k(0)]);
        const ac = new AbortController();
        const live: number[] = [];
        const following = (async () => {
          for await (const c of db.changes({ since: all[4]!.version, follow: true, signal: ac.signal })) {
            live.push(c.version);
            if (live.length === 2) ac.abort();
          }
        })();
        await db.transaction((tx) => tx.put(k('x'), 1));
        await db.transaction((tx) => tx.put(k('y'), 1));
        await following;
        expect(live.length).toBe(2);
        expect(live[0]!).toBeGreaterThan(all[4]!.version);
      });
    });

    describe('TTL', () => {
      it('an expired entry reads as absent at once; sweepExpired deletes it', async () => {
        const db = await open();
        await db.transaction((tx) => {
          tx.put(k('short'), 1, { ttlMs: 1_000 });
          tx.put(k('long'), 2, { ttlMs: 100_000 });
        });
        expect((await db.getEntry(k('short')))?.expiresAt).toBe(clock() + 1_000);
        clock.advance(2_000);
        expect(await db.get(k('short'))).toBeUndefined();
        expect((await collect(db.scan(runRange('r')))).map((e) => e.value)).toEqual([2]);
        expect(await db.sweepExpired()).toBe(1);
        expect(await db.sweepExpired()).toBe(0);
        expect(await db.get(k('long'))).toBe(2);
        expect((await db.verify()).ok).toBe(true);
      });
    });

    describe('bad input is refused before anything is written', () => {
      const refusals: [string, (tx: EngineTransaction) => unknown, string][] = [
        [
          'a key that is not an encoded key',
          (tx) => tx.put('nope' as unknown as EncodedKey, 1),
          'INVALID_ARGUMENT',
        ],
        ['undefined as a value', (tx) => tx.put(k('a'), undefined as never), 'INVALID_VALUE'],
        ['a function as a value', (tx) => tx.put(k('a'), (() => 1) as never), 'INVALID_VALUE'],
        ['a negative ttl', (tx) => tx.put(k('a'), 1, { ttlMs: -1 }), 'INVALID_ARGUMENT'],
        ['a misspelled option', (tx) => tx.put(k('a'), 1, { ttl: 5 } as never), 'INVALID_ARGUMENT'],
        ['a mutation that is not a function', (tx) => tx.mutate(k('a'), 1 as never), 'INVALID_ARGUMENT'],
      ];
      it.each(refusals)('%s', async (_, call, code) => {
        const db = await open();
        const before = db.stats().version;
        await expect(
          db.transaction((tx) => {
            tx.put(k('first'), 1);
            call(tx);
          }),
        ).rejects.toMatchObject({ code });
        expect(db.stats().version).toBe(before);
        expect(await db.get(k('first'))).toBeUndefined();
      });

      it('bad transaction options are refused', async () => {
        const db = await open();
        for (const opts of [{ retries: 0 }, { timeoutMs: -1 }, { runId: 'bad id!' }, { retires: 3 }]) {
          await expect(db.transaction(() => {}, opts as never)).rejects.toMatchObject({
            code: 'INVALID_ARGUMENT',
          });
        }
      });
    });

    describe('deadlines and lifecycle', () => {
      it('timeoutMs ends a transaction whose function never settles, with TIMEOUT', async () => {
        const db = await open();
        await expect(db.transaction(() => new Promise(() => {}), { timeoutMs: 100 })).rejects.toMatchObject({
          code: 'TIMEOUT',
        });
      });

      it('after close() every call rejects with CLOSED; close() is idempotent', async () => {
        const db = await open();
        await db.transaction((tx) => tx.put(k('a'), 1));
        await Promise.all([db.close(), db.close()]);
        for (const call of [
          () => db.transaction((tx) => tx.put(k('a'), 2)),
          () => db.get(k('a')),
          () => db.getEntry(k('a')),
          () => db.getMany([k('a')]),
          () => collect(db.scan(runRange('r'))),
          () => collect(db.changes()),
          () => db.verify(),
          () => db.sweepExpired(),
        ]) {
          await expect(call()).rejects.toMatchObject({ code: 'CLOSED' });
        }
        expect(() => db.stats()).toThrow(expect.objectContaining({ code: 'CLOSED' }));
      });

      it('work called before close() completes, and close() resolves after it', async () => {
        const db = await open();
        const writes = Array.from({ length: 100 }, (_, i) =>
          db.transaction(async (tx) => {
            await tx.get(k(i));
            tx.put(k(i), i);
          }),
        );
        await db.close();
        expect((await Promise.allSettled(writes)).filter((o) => o.status === 'rejected')).toEqual([]);
      });
    });
  });
}
