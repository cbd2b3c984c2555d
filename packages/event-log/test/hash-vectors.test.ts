import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Key } from '@agentdb/core';
import { Database } from '@agentdb/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, GENESIS_HASH, hashedBytes } from '../src/index.js';

interface Vector {
  payloadBytes: string;
  hashedBytes: string;
  hash: string;
}

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const vectors: Vector[] = [
  ...readme.matchAll(/payload-bytes: ([0-9a-f]+)\nhashed-bytes: ([0-9a-f]+)\nhash: ([0-9a-f]{64})/g),
].map((m) => ({ payloadBytes: m[1]!, hashedBytes: m[2]!, hash: m[3]! }));

/** Parses hashed bytes by the README's table alone (no code from this package). */
function parseLayout(hex: string) {
  const b = Buffer.from(hex, 'hex');
  const n = b.readUInt32BE(1);
  const m = b.readUInt32BE(5 + n);
  return {
    version: b[0],
    eventType: b.subarray(5, 5 + n).toString('utf8'),
    payloadBytes: b.subarray(9 + n, 9 + n + m).toString('hex'),
    sequence: Number(b.readBigUInt64BE(9 + n + m)),
    timestamp: Number(b.readBigUInt64BE(17 + n + m)),
    prevHash: b.subarray(25 + n + m, 57 + n + m).toString('hex'),
    totalLength: b.length,
    expectedLength: 57 + n + m,
  };
}

describe('README test vectors', () => {
  let db: Database;
  beforeAll(async () => {
    db = await Database.open({ clock: () => 1_700_000_000_000 });
  });
  afterAll(() => db.close());

  it('are published (two chained events)', () => {
    expect(vectors).toHaveLength(2);
  });

  it('hash to the published value with node:crypto SHA-256 alone', () => {
    for (const v of vectors) {
      expect(createHash('sha256').update(Buffer.from(v.hashedBytes, 'hex')).digest('hex')).toBe(v.hash);
    }
  });

  it('follow the documented layout and chain: sequence 0 starts from zeros, 1 links to 0', () => {
    const [a, b] = vectors.map((v) => ({ v, layout: parseLayout(v.hashedBytes) }));
    for (const x of [a!, b!]) {
      expect(x.layout.version).toBe(1);
      expect(x.layout.totalLength).toBe(x.layout.expectedLength);
      expect(x.layout.payloadBytes).toBe(x.v.payloadBytes);
    }
    expect(a!.layout).toMatchObject({ sequence: 0, eventType: 'tool_call', prevHash: GENESIS_HASH });
    expect(b!.layout).toMatchObject({ sequence: 1, eventType: 'tool_result', prevHash: a!.v.hash });
  });

  it('are what this package produces for those events', async () => {
    const events = new EventLog(db);
    const a = await events.append('vectors', 'tool_call', { tool: 'search', query: 'weather' });
    const b = await events.append('vectors', 'tool_result', { ok: true });
    expect([a.hash, b.hash]).toEqual(vectors.map((v) => v.hash));
    // The hashed bytes are rebuilt from the stored record's own payload bytes.
    for (const [e, v] of [
      [a, vectors[0]!],
      [b, vectors[1]!],
    ] as const) {
      const record = (await db.get(Key.event('vectors', e.sequence))) as { payload: Uint8Array };
      expect(Buffer.from(record.payload).toString('hex')).toBe(v.payloadBytes);
      const payloadBytes = Buffer.from(v.payloadBytes, 'hex');
      expect(Buffer.from(hashedBytes({ ...e, payloadBytes })).toString('hex')).toBe(v.hashedBytes);
    }
  });
});
