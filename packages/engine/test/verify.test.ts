import { crc32 } from 'node:zlib';
import { Key } from '@agentdb/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRawData, openRawLog, openTestDatabase, type TestDatabase } from '../src/testing.js';
import { collect } from './helpers.js';

/**
 * `db.verify()` reports each kind of damage to the data or the commit log, and the changes feed
 * refuses a damaged log entry with CORRUPTION. Damage is done to the closed directory through raw
 * LMDB access, as a disk fault or a foreign writer would.
 */

let t: TestDatabase;
beforeEach(async () => {
  t = await openTestDatabase({ durability: 'buffered' });
  // Three sequential commits: three log entries keyed 1, 2, 3.
  for (const name of ['a', 'b', 'c']) await t.db.transaction((tx) => tx.put(Key.kv('r', name), name));
});
afterEach(() => t.dispose());

/** Closes the database, edits its log entry `first` with `edit`, fixes the checksum, reopens. */
async function editLogEntry(first: number, edit: (entry: Buffer) => Buffer, fixChecksum = true) {
  await t.db.close();
  const log = await openRawLog(t.path);
  let entry = edit(Buffer.from(log.get(first)!));
  if (fixChecksum) {
    entry = Buffer.from(entry);
    entry.writeUInt32BE(crc32(entry.subarray(4)), 0);
  }
  log.put(first, entry);
  await log.close();
  return t.reopen();
}

async function problems(): Promise<string> {
  const { ok, problems } = await t.db.verify();
  expect(ok).toBe(false);
  return problems.join('\n');
}

describe('verify finds damaged commit-log entries, and changes() refuses them', () => {
  it('a flipped byte fails the checksum', async () => {
    const db = await editLogEntry(
      2,
      (e) => {
        e[e.length - 1]! ^= 0xff;
        return e;
      },
      false,
    );
    expect(await problems()).toContain('commit-log entry 2 fails its checksum');
    await expect(collect(db.changes())).rejects.toMatchObject({ code: 'CORRUPTION' });
  });

  it('an unknown format byte', async () => {
    await editLogEntry(2, (e) => {
      e[4] = 9;
      return e;
    });
    expect(await problems()).toContain('commit-log entry 2 has unknown format 9');
  });

  it('a commit count that disagrees with the last version', async () => {
    await editLogEntry(2, (e) => {
      e.writeUInt32BE(5, 21);
      return e;
    });
    expect(await problems()).toContain('commit-log entry 2 holds 5 commits but ends at 2');
  });

  it('a truncated body', async () => {
    // Cut inside the first commit's run-id count (header 21 bytes, commit count 4, then 1 of 2 bytes).
    await editLogEntry(2, (e) => e.subarray(0, 26));
    expect(await problems()).toContain('commit-log entry 2 is truncated');
  });

  it('trailing bytes', async () => {
    await editLogEntry(2, (e) => Buffer.concat([e, Buffer.from([1, 2])]));
    expect(await problems()).toContain('commit-log entry 2 has 2 trailing bytes');
  });
});

describe('verify finds a log that disagrees with the version counter or the data', () => {
  it('a missing entry in the middle: a version gap, a short count, and data the log never wrote', async () => {
    await t.db.close();
    const log = await openRawLog(t.path);
    expect(log.firsts()).toEqual([1, 2, 3]);
    log.remove(2);
    await log.close();
    await t.reopen();
    const found = await problems();
    expect(found).toContain('commit log: versions 2–2 are missing');
    expect(found).toContain('commit log holds 2 commits, expected 3');
    expect(found).toContain('present in data but never written by the log');
  });

  it('a missing last entry: the log ends before the version counter', async () => {
    await t.db.close();
    const log = await openRawLog(t.path);
    log.remove(3);
    await log.close();
    await t.reopen();
    expect(await problems()).toContain('commit log ends at 2 but the version counter is 3');
  });

  it('a key the log deleted is present again', async () => {
    await t.db.transaction((tx) => tx.delete(Key.kv('r', 'a')));
    await t.db.close();
    const raw = await openRawData(t.path);
    raw.put(Key.kv('r', 'a'), raw.get(Key.kv('r', 'b'))!, 1);
    await raw.close();
    await t.reopen();
    expect(await problems()).toMatch(/the log deleted it at 4 but it is present/);
  });

  it('a key the log wrote is missing from the data', async () => {
    await t.db.close();
    const raw = await openRawData(t.path);
    const keys = raw.keys(Key.kv('r', 'a'), Key.kv('r', 'z'));
    expect(keys).toHaveLength(3);
    raw.remove(Key.kv('r', 'c'));
    await raw.close();
    await t.reopen();
    expect(await problems()).toMatch(/written at 3 but missing from data/);
  });

  it('an entry that carries an expiry but has no expiry-index entry', async () => {
    await t.db.close();
    const raw = await openRawData(t.path);
    const stored = Buffer.from(raw.get(Key.kv('r', 'a'))!);
    const withExpiry = Buffer.alloc(stored.length + 8);
    withExpiry[0] = 0x01; // HAS_EXPIRY
    withExpiry.writeDoubleBE(Date.now() + 3_600_000, 1);
    stored.copy(withExpiry, 9, 1);
    raw.put(Key.kv('r', 'a'), withExpiry);
    await raw.close();
    await t.reopen();
    expect(await problems()).toMatch(/expires at \d+ but has no expiry-index entry/);
  });
});
