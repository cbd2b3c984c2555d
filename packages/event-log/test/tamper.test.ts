import { decodeValue, encodeValue, Key, TypeTag, type Value } from '@agentdb/core';
import { openRawData, type RawData } from '@agentdb/engine/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chainHash, hashPrefix } from '../src/index.js';
import { metaKey } from '../src/layout.js';
import { appendMany, type LogFixture, openLog } from './helpers.js';

let f: LogFixture;
beforeEach(async () => {
  f = await openLog();
});
afterEach(() => f.t.dispose());

const RUN = 'run-1';

/** Closes the database, lets `edit` change stored bytes directly in LMDB, reopens. */
async function tamper(edit: (raw: RawData) => void): Promise<void> {
  await f.db().close();
  const raw = await openRawData(f.t.path);
  try {
    edit(raw);
  } finally {
    await raw.close();
  }
  await f.t.reopen();
}

/** Stored bytes of a value as the engine writes it: a flags byte (0: no expiry), then CBOR. */
const storedBytes = (value: Value) => Uint8Array.of(0, ...encodeValue(value));
const recordOf = (stored: Uint8Array) => decodeValue(stored.subarray(1)) as Record<string, Value>;

describe('verifyChain on an intact log', () => {
  it('is valid after close and reopen', async () => {
    await appendMany(f, RUN, 50, (i) => `t${i % 3}`);
    await f.t.reopen();
    expect(await f.events.verifyChain(RUN)).toEqual({ valid: true, length: 50 });
    expect(await f.db().verify()).toEqual({ ok: true, problems: [] });
  });
});

describe('flipping one stored byte', () => {
  it('anywhere in an event record makes verifyChain report that sequence', async () => {
    // One run per byte position (identical logs, so identical record layouts): one tamper pass.
    const probe = 'probe';
    await appendMany(
      f,
      probe,
      5,
      () => 'step',
      (i) => ({ i, note: 'payload bytes' }),
    );
    const size = (await (async () => {
      await f.db().close();
      const raw = await openRawData(f.t.path);
      const n = raw.get(Key.event(probe, 2))!.length;
      await raw.close();
      await f.t.reopen();
      return n;
    })()) as number;
    const cases: { run: string; at: number; mask: number }[] = [{ run: 'flag', at: 0, mask: 0x01 }];
    for (let at = 1; at < size; at++) {
      cases.push({ run: `low-${at}`, at, mask: 0x01 }, { run: `high-${at}`, at, mask: 0x80 });
    }
    await f.db().transaction((tx) => {
      for (const c of cases) {
        const view = f.events.in(tx, c.run);
        for (let i = 0; i < 5; i++) view.append('step', { i, note: 'payload bytes' });
      }
    });
    await tamper((raw) => {
      for (const c of cases) {
        const bytes = Uint8Array.from(raw.get(Key.event(c.run, 2))!);
        expect(bytes.length).toBe(size);
        bytes[c.at]! ^= c.mask;
        raw.put(Key.event(c.run, 2), bytes);
      }
    });
    const missed: string[] = [];
    for (const c of cases) {
      const result = await f.events.verifyChain(c.run);
      if (result.valid || result.firstInvalid !== 2) missed.push(`${c.run}: ${JSON.stringify(result)}`);
    }
    expect(missed).toEqual([]);
    expect(cases.length).toBeGreaterThan(200);
    expect(await f.events.verifyChain(probe)).toEqual({ valid: true, length: 5 });
  });

  it('in the payload of the first or the last event reports sequence 0 or the last', async () => {
    await appendMany(f, 'first', 4);
    await appendMany(f, 'last', 4);
    await tamper((raw) => {
      for (const [run, seq] of [
        ['first', 0],
        ['last', 3],
      ] as const) {
        const rec = recordOf(raw.get(Key.event(run, seq))!);
        const payload = Uint8Array.from(rec.payload as Uint8Array);
        payload[payload.length - 1]! ^= 0x01;
        raw.put(Key.event(run, seq), storedBytes({ ...rec, payload }));
      }
    });
    expect(await f.events.verifyChain('first')).toMatchObject({ valid: false, firstInvalid: 0, length: 0 });
    expect(await f.events.verifyChain('last')).toMatchObject({ valid: false, firstInvalid: 3, length: 3 });
  });
});

describe('flipping one bit of the log metadata', () => {
  it('anywhere makes verifyChain report the log invalid: every field feeds the next append', async () => {
    // Every bit of the metadata record, one run per bit (identical logs, identical record layouts).
    // The timestamp once escaped: a flipped one passed verifyChain and then stamped new events.
    await appendMany(f, 'probe', 5);
    await f.db().close();
    let raw = await openRawData(f.t.path);
    const size = raw.get(metaKey('probe'))!.length;
    await raw.close();
    await f.t.reopen();
    const cases: { run: string; at: number; mask: number }[] = [];
    for (let at = 1; at < size; at++) {
      for (let bit = 0; bit < 8; bit++) cases.push({ run: `m-${at}-${bit}`, at, mask: 1 << bit });
    }
    await f.db().transaction((tx) => {
      for (const c of cases) {
        const view = f.events.in(tx, c.run);
        for (let i = 0; i < 5; i++) view.append('step', { i });
      }
    });
    await f.db().close();
    raw = await openRawData(f.t.path);
    for (const c of cases) {
      const bytes = Uint8Array.from(raw.get(metaKey(c.run))!);
      expect(bytes.length).toBe(size);
      bytes[c.at]! ^= c.mask;
      raw.put(metaKey(c.run), bytes);
    }
    await raw.close();
    await f.t.reopen();
    const missed: string[] = [];
    for (const c of cases) {
      const result = await f.events
        .verifyChain(c.run)
        .catch((e: Error) => ({ valid: false, threw: e.message }));
      if (result.valid) missed.push(`${c.run}: ${JSON.stringify(result)}`);
    }
    expect(missed).toEqual([]);
    expect(cases.length).toBeGreaterThan(600);
  });

  it('a metadata timestamp that disagrees with the last event is named', async () => {
    await appendMany(f, RUN, 3);
    await tamper((raw) => {
      const meta = recordOf(raw.get(metaKey(RUN))!);
      raw.put(metaKey(RUN), storedBytes({ ...meta, timestamp: (meta.timestamp as number) + 1 }));
    });
    const result = await f.events.verifyChain(RUN);
    expect(result).toMatchObject({ valid: false, length: 3 });
    expect(result.error).toContain("the log's metadata records timestamp");
  });
});

describe('structural tampering', () => {
  beforeEach(async () => {
    await appendMany(f, RUN, 6, (i) => `t${i % 2}`);
  });

  it('deleting an event reports its sequence', async () => {
    await tamper((raw) => raw.remove(Key.event(RUN, 3)));
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 3, length: 3 });
  });

  it('deleting the last event reports its sequence (the metadata still counts it)', async () => {
    await tamper((raw) => raw.remove(Key.event(RUN, 5)));
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 5 });
  });

  it('swapping two events reports the first of them', async () => {
    await tamper((raw) => {
      const a = raw.get(Key.event(RUN, 1))!;
      const b = raw.get(Key.event(RUN, 4))!;
      raw.put(Key.event(RUN, 1), b);
      raw.put(Key.event(RUN, 4), a);
    });
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 1 });
  });

  it('rewriting an event with a correct own hash breaks the link from its successor', async () => {
    await tamper((raw) => {
      const rec = recordOf(raw.get(Key.event(RUN, 2))!);
      const payload = encodeValue({ forged: true });
      const hash = chainHash(
        hashPrefix(rec.eventType as string, payload),
        2,
        rec.timestamp as number,
        rec.prevHash as string,
      );
      raw.put(Key.event(RUN, 2), storedBytes({ ...rec, payload, hash }));
    });
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 3 });
  });

  it('an extra event past the recorded length is reported at that sequence', async () => {
    await tamper((raw) => raw.put(Key.event(RUN, 6), raw.get(Key.event(RUN, 5))!, 1));
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 6 });
  });

  it('metadata whose head hash disagrees with the last event reports the last event', async () => {
    await tamper((raw) => {
      const meta = recordOf(raw.get(Key.of(TypeTag.Event, RUN, 'meta'))!);
      raw.put(Key.of(TypeTag.Event, RUN, 'meta'), storedBytes({ ...meta, head: 'f'.repeat(64) }));
    });
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 5 });
  });

  it('a missing type-index entry reports its event', async () => {
    await tamper((raw) => raw.remove(Key.of(TypeTag.Event, RUN, 'by-type', 't0', 2)));
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 2 });
  });

  it('a stray type-index entry (an event listed under a type it lacks) reports that event', async () => {
    await tamper((raw) => raw.put(Key.of(TypeTag.Event, RUN, 'by-type', 'forged', 4), storedBytes(4), 1));
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 4 });
  });

  it('unreadable metadata makes the chain invalid without naming an event', async () => {
    await tamper((raw) => raw.put(Key.of(TypeTag.Event, RUN, 'meta'), storedBytes('garbage')));
    const result = await f.events.verifyChain(RUN);
    expect(result.valid).toBe(false);
    expect(result.firstInvalid).toBeUndefined();
    expect(result.error).toMatch(/metadata/);
  });

  it('refuses to append over an event the metadata does not count (history is never overwritten)', async () => {
    await tamper((raw) => {
      const meta = recordOf(raw.get(Key.of(TypeTag.Event, RUN, 'meta'))!);
      raw.put(Key.of(TypeTag.Event, RUN, 'meta'), storedBytes({ ...meta, length: 2 }));
    });
    await expect(f.events.append(RUN, 't0', null)).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 2 });
  });

  it('reads of a tampered record fail with CORRUPTION rather than returning a misplaced event', async () => {
    await tamper((raw) => raw.put(Key.event(RUN, 1), raw.get(Key.event(RUN, 4))!));
    await expect(f.events.read(RUN, 1)).rejects.toMatchObject({ code: 'CORRUPTION' });
    await expect(f.events.readRange(RUN, 0, 6)).rejects.toMatchObject({ code: 'CORRUPTION' });
  });

  it('a malformed type-index entry fails readByType with CORRUPTION and invalidates the chain', async () => {
    await tamper((raw) => raw.put(Key.of(TypeTag.Event, RUN, 'by-type', 't1', 3), storedBytes('three')));
    await expect(f.events.readByType(RUN, 't1')).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 3 });
  });

  it('an event record that is not an object makes reads fail with CORRUPTION and the chain invalid there', async () => {
    await tamper((raw) => raw.put(Key.event(RUN, 2), storedBytes(42)));
    await expect(f.events.read(RUN, 2)).rejects.toMatchObject({ code: 'CORRUPTION' });
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 2, length: 2 });
  });

  it('metadata with a well-formed header but a bad length is unreadable metadata', async () => {
    await tamper((raw) => {
      const meta = recordOf(raw.get(Key.of(TypeTag.Event, RUN, 'meta'))!);
      raw.put(Key.of(TypeTag.Event, RUN, 'meta'), storedBytes({ ...meta, length: -1 }));
    });
    await expect(f.events.len(RUN)).rejects.toMatchObject({ code: 'CORRUPTION' });
    const result = await f.events.verifyChain(RUN);
    expect([result.valid, result.firstInvalid, result.error]).toEqual([
      false,
      undefined,
      expect.stringMatching(/metadata/),
    ]);
  });

  it('an extra malformed type-index entry (beside intact ones) invalidates the chain', async () => {
    await tamper((raw) => raw.put(Key.of(TypeTag.Event, RUN, 'by-type', 't0', 99), storedBytes('x'), 1));
    expect(await f.events.verifyChain(RUN)).toMatchObject({
      valid: false,
      error: 'the type index holds a malformed entry',
    });
  });

  it('a stray entry is named even when another entry points past the end of the log', async () => {
    await tamper((raw) => {
      // Listed first in key order ('early' < 'forged'): an entry beyond the log, which the search skips.
      raw.put(Key.of(TypeTag.Event, RUN, 'by-type', 'early', 99), storedBytes(99), 1);
      raw.put(Key.of(TypeTag.Event, RUN, 'by-type', 'forged', 4), storedBytes(4), 1);
    });
    expect(await f.events.verifyChain(RUN)).toMatchObject({ valid: false, firstInvalid: 4 });
  });

  it('verifyChain on a closed database rejects with CLOSED rather than reporting a broken chain', async () => {
    const events = f.events;
    await f.db().close();
    await expect(events.verifyChain(RUN)).rejects.toMatchObject({ code: 'CLOSED' });
    await f.t.reopen();
  });
});
