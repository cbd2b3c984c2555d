import { openRawData, tempDir } from '@agentdb/engine/testing';
import { AgentDB, decodeValue, encodeValue, Key, type Value } from '@agentdb/primitives';
import type { Page } from 'playwright-core';
import { beforeAll, expect, it } from 'vitest';
import { attributes, cssColor, openPage, screenshot } from './helpers/browser.js';
import { useBrowserFixture } from './helpers/fixture.js';

// Events are changed on disk, under the engine (what an attacker or a disk fault could do), the way
// the event log's own tamper tests do it.
const FORGED = 'forged-run';
const UNREADABLE = 'unreadable-run';
const INTACT = 'intact-run';
const BAD_SEQUENCE = 4;

/** Stored bytes of a value as the engine writes them: a flags byte (0: no expiry), then CBOR. */
const storedBytes = (value: Value) => Uint8Array.of(0, ...encodeValue(value));

const f = useBrowserFixture(async () => {
  const dir = tempDir('agentdb-viewer-tamper-');
  const db = await AgentDB.open({ path: dir, sweepIntervalMs: 0 });
  for (const run of [FORGED, UNREADABLE, INTACT]) {
    await db.runs.createRun({ runId: run });
    for (let i = 0; i < 8; i++) await db.events.append(run, 'step', { i, note: 'original' });
  }
  await db.close();
  const raw = await openRawData(dir);
  try {
    // Rewrite the payload of event 4 (same length, still valid CBOR): it reads fine but no longer hashes right.
    const key = Key.event(FORGED, BAD_SEQUENCE);
    const record = decodeValue(raw.get(key)!.subarray(1)) as Record<string, Value>;
    const payload = Buffer.from(record.payload as Uint8Array);
    const at = payload.indexOf('original');
    expect(at).toBeGreaterThan(0);
    payload.write('forgery!', at);
    raw.put(key, storedBytes({ ...record, payload: new Uint8Array(payload) }));
    // Replace event 4 of another run with something that is not an event record at all.
    raw.put(Key.event(UNREADABLE, BAD_SEQUENCE), storedBytes(42));
  } finally {
    await raw.close();
  }
  return dir;
});
let page: Page;

beforeAll(async () => {
  ({ page } = await openPage(f.browser));
});

async function verifyOn(run: string): Promise<string> {
  await page.goto(f.v.url(`/runs/${run}#events`));
  await expect.poll(() => page.locator('tr.event-row').count()).toBe(8);
  await page.click('button.verify');
  const verdict = page.locator('.verdict.ok, .verdict.broken');
  await verdict.waitFor();
  return (await verdict.textContent())!;
}

it('shows the chain broken at the sequence of a forged event, in red', async () => {
  expect(await f.db.events.verifyChain(FORGED)).toMatchObject({ valid: false, firstInvalid: BAD_SEQUENCE });
  const verdict = await verifyOn(FORGED);
  expect(verdict).toMatch(
    /^Chain broken at sequence 4: event 4: its stored hash does not match its contents \(4 events intact before it\)/,
  );
  expect(await attributes(page.locator('tr.event-row.bad'), 'data-seq')).toEqual([String(BAD_SEQUENCE)]);
  // The forged payload is what is stored now; the row says it is the bad one, in red.
  expect(await page.locator(`tr.event-row[data-seq="${BAD_SEQUENCE}"] td.payload`).textContent()).toContain(
    'forgery!',
  );
  expect(await cssColor(page, 'tr.event-row.bad td.seq')).toBe('rgb(198, 40, 40)');
  expect(await cssColor(page, '.verdict.broken')).toBe('rgb(198, 40, 40)');
  expect(await page.locator('.bad-seq').textContent()).toBe('4');
  await screenshot(page, 'tampered-chain');
});

it('shows an unreadable event as such, keeps the other events, and the chain broken there', async () => {
  const verdict = await verifyOn(UNREADABLE);
  expect(verdict).toMatch(/^Chain broken at sequence 4: /);
  expect(await attributes(page.locator('tr.event-row.bad'), 'data-seq')).toEqual([String(BAD_SEQUENCE)]);
  expect(await page.locator(`tr.event-row[data-seq="${BAD_SEQUENCE}"] td.payload`).textContent()).toMatch(
    /event/i,
  );
  expect(await attributes(page.locator('tr.event-row td.seq'), 'class')).toHaveLength(8);
});

it('shows an untouched run in the same database as intact', async () => {
  expect(await verifyOn(INTACT)).toBe('Chain intact: 8 events verified (SHA-256, from sequence 0).');
});
