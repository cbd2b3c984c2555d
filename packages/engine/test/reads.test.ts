import { Key } from '@agentdb/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../src/testing.js';

let t: TestDatabase;
afterEach(() => t.dispose());

// db.get decodes straight from lmdb-js's shared read buffer (no copy of the stored bytes): what it
// returns must own its data, or the next read would rewrite a value the caller still holds.
describe('values read outside a transaction', () => {
  it('keep their byte strings and text after later reads of other keys', async () => {
    t = await openTestDatabase();
    const a = { bytes: new Uint8Array([1, 2, 3, 4]), text: 'first', nested: [new Uint8Array(300).fill(7)] };
    const b = { bytes: new Uint8Array([9, 9, 9, 9]), text: 'other', nested: [new Uint8Array(300).fill(8)] };
    await t.db.transaction((tx) => {
      tx.put(Key.kv('r', 'a'), a);
      tx.put(Key.kv('r', 'b'), b);
    });
    const readA = await t.db.get(Key.kv('r', 'a'));
    const entryA = await t.db.getEntry(Key.kv('r', 'a'));
    for (let i = 0; i < 3; i++) await t.db.get(Key.kv('r', 'b'));
    expect(readA).toEqual(a);
    expect(entryA?.value).toEqual(a);
  });

  it('keep a large value (past lmdb-js read buffer size) after later reads', async () => {
    t = await openTestDatabase();
    const big = new Uint8Array(300_000).map((_, i) => i % 251);
    await t.db.transaction((tx) => {
      tx.put(Key.kv('r', 'big'), { big });
      tx.put(Key.kv('r', 'small'), { big: new Uint8Array(10) });
    });
    const read = (await t.db.get(Key.kv('r', 'big'))) as { big: Uint8Array };
    await t.db.get(Key.kv('r', 'small'));
    await t.db.get(Key.kv('r', 'big'));
    expect(read.big).toEqual(big);
  });
});
