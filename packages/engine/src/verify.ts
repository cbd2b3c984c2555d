import { decodeLogEntry } from './commit-log.js';
import { keyId } from './key-bytes.js';
import type { Storage } from './storage.js';
import { entryExpiry } from './stored-entry.js';

/**
 * Checks data against the commit log (see `Database.verify`). Returns human-readable problems; none
 * means the store is consistent with its history.
 */
export function verifyStorage(storage: Storage): string[] {
  const problems: string[] = [];
  const trimmedThrough = storage.metaGet('logTrimmedThrough');
  const lastVersion = storage.metaGet('version');
  // The last logged state of every key the retained log touches: stored bytes (null = deleted) and version.
  const expected = new Map<string, { stored: Uint8Array | null; version: number; key: Uint8Array }>();
  let previous = trimmedThrough;
  let count = 0;
  for (const { first, entry } of storage.logFrom(trimmedThrough + 1)) {
    if (first !== previous + 1)
      problems.push(`commit log: versions ${previous + 1}–${first - 1} are missing`);
    try {
      for (const commit of decodeLogEntry(first, entry)) {
        count++;
        previous = commit.version;
        for (const w of commit.writes)
          expected.set(keyId(w.key), { stored: w.stored, version: commit.version, key: w.key });
      }
    } catch (e) {
      problems.push(`commit log: ${(e as Error).message}`);
    }
  }
  if (count !== lastVersion - trimmedThrough)
    problems.push(`commit log holds ${count} commits, expected ${lastVersion - trimmedThrough}`);
  if (previous !== lastVersion)
    problems.push(`commit log ends at ${previous} but the version counter is ${lastVersion}`);

  const full = trimmedThrough === 0;
  let seen = 0;
  for (const e of storage.allData()) {
    const id = keyId(e.key);
    const want = expected.get(id);
    let at: number | undefined;
    try {
      at = entryExpiry(e.stored);
    } catch (err) {
      problems.push(`key ${Buffer.from(e.key).toString('hex')}: ${(err as Error).message}`);
    }
    if (at !== undefined && !storage.hasTtlEntry(at, e.key)) {
      problems.push(
        `key ${Buffer.from(e.key).toString('hex')}: expires at ${at} but has no expiry-index entry`,
      );
    }
    if (want === undefined) {
      if (full)
        problems.push(
          `key ${Buffer.from(e.key).toString('hex')}: present in data but never written by the log`,
        );
      continue;
    }
    seen++;
    if (want.stored === null)
      problems.push(
        `key ${Buffer.from(e.key).toString('hex')}: the log deleted it at ${want.version} but it is present`,
      );
    else if (want.version !== e.version || Buffer.compare(want.stored, e.stored) !== 0) {
      problems.push(
        `key ${Buffer.from(e.key).toString('hex')}: differs from its last logged write (commit ${want.version})`,
      );
    }
  }
  const liveExpected = [...expected.values()].filter((w) => w.stored !== null).length;
  if (seen !== liveExpected) {
    for (const w of expected.values()) {
      if (w.stored !== null && storage.readLatest(w.key) === undefined) {
        problems.push(
          `key ${Buffer.from(w.key).toString('hex')}: written at ${w.version} but missing from data`,
        );
      }
    }
  }
  return problems;
}
