import { isAgentDBError, Key } from '@agentdb/core';
import type { ReadSource as Reader } from '@agentdb/engine';
import type { ChainVerification } from './event.js';
import { allTypeIndexRanges, eventRange, metaKey, typeIndexKey } from './event-keys.js';
import { parseEventRecord, parseMeta, type StoredEvent } from './event-record.js';
import { chainHash, GENESIS_HASH, hashPrefix } from './hash-layout.js';

class Broken extends Error {
  constructor(
    readonly sequence: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

function recordAt(value: unknown, sequence: number): StoredEvent {
  try {
    return parseEventRecord(value as Parameters<typeof parseEventRecord>[0]);
  } catch (error) {
    throw new Broken(sequence, `event ${sequence}: ${(error as Error).message}`);
  }
}

/** Checks one event against its position and predecessor; returns its hash. */
function checkEvent(rec: StoredEvent, sequence: number, prevHash: string): string {
  if (rec.sequence !== sequence) {
    throw new Broken(sequence, `event ${sequence}: the record stored there says sequence ${rec.sequence}`);
  }
  if (rec.prevHash !== prevHash) {
    throw new Broken(
      sequence,
      `event ${sequence}: prevHash does not match the hash of event ${sequence - 1}`,
    );
  }
  const hash = chainHash(hashPrefix(rec.eventType, rec.payload), rec.sequence, rec.timestamp, rec.prevHash);
  if (hash !== rec.hash)
    throw new Broken(sequence, `event ${sequence}: its stored hash does not match its contents`);
  return hash;
}

async function readMeta(reader: Reader, runId: string) {
  try {
    return parseMeta(await reader.get(metaKey(runId)));
  } catch (error) {
    if (isAgentDBError(error, 'CORRUPTION')) throw new Broken(undefined, error.message);
    throw error;
  }
}

/**
 * Recomputes the chain of `runId` from the stored bytes, in one streaming pass (memory does not grow
 * with the log): every event present at its sequence with no gaps, its record well-formed, its hash
 * equal to SHA-256 over its stored fields and its `prevHash` equal to the previous hash; its type-index
 * entry present and no stray ones; the metadata's length, head hash and timestamp agreeing with the
 * events (every field of it feeds the next append, so every stored byte of the log is covered).
 * Events appended while it runs (outside a transaction) are verified too.
 */
export async function verifyChain(reader: Reader, runId: string): Promise<ChainVerification> {
  let verified = 0;
  try {
    // Read the metadata before and after the events: appends committed in between (only possible
    // outside a transaction) then sit between the two lengths, whereas missing or extra events do not.
    const before = await readMeta(reader, runId);
    let prevHash = GENESIS_HASH;
    let lastTimestamp = 0;
    try {
      for await (const entry of reader.scan(eventRange(runId, 0))) {
        // Comparing with the expected key is much cheaper than decoding the entry's key.
        if (Buffer.compare(entry.key, Key.event(runId, verified)) !== 0) {
          throw new Broken(verified, `event ${verified} is missing`);
        }
        const rec = recordAt(entry.value, verified);
        prevHash = checkEvent(rec, verified, prevHash);
        lastTimestamp = rec.timestamp;
        if ((await reader.get(typeIndexKey(runId, rec.eventType, verified))) !== verified) {
          throw new Broken(verified, `event ${verified}: its type-index entry is missing`);
        }
        verified++;
      }
    } catch (error) {
      // An entry the engine cannot decode stops the scan right after the last verified event.
      if (isAgentDBError(error, 'CORRUPTION'))
        throw new Broken(verified, `event ${verified}: ${error.message}`);
      throw error;
    }
    const after = await readMeta(reader, runId);
    const minimum = before?.length ?? 0;
    const recorded = after?.length ?? 0;
    if (verified < minimum)
      throw new Broken(verified, `event ${verified} is missing (the log records ${minimum})`);
    if (verified > recorded) {
      throw new Broken(recorded, `event ${recorded} is beyond the log's recorded length ${recorded}`);
    }
    if (after !== undefined && verified === recorded) {
      if (after.head !== prevHash) {
        throw new Broken(verified - 1, `event ${verified - 1}: its hash is not the log's recorded head`);
      }
      // The next append's timestamp starts from this one, so a damaged value would spread into new,
      // validly chained events: it must be the last event's own timestamp.
      if (after.timestamp !== lastTimestamp) {
        throw new Broken(
          undefined,
          `the log's metadata records timestamp ${after.timestamp}, but its last event (${verified - 1}) has ${lastTimestamp}`,
        );
      }
    }
    await checkNoStrayIndexEntries(reader, runId, verified);
    return { valid: true, length: verified };
  } catch (error) {
    if (!(error instanceof Broken)) throw error;
    const out: ChainVerification = {
      valid: false,
      length: Math.min(verified, error.sequence ?? verified),
      error: error.message,
    };
    if (error.sequence !== undefined) out.firstInvalid = error.sequence;
    return out;
  }
}

/**
 * Every event below `length` was found to have its own index entry; any further entry pointing below
 * `length` is stray (it lists the event under a type it does not have). Entries at or above `length`
 * belong to appends committed after the scan and are ignored.
 */
async function checkNoStrayIndexEntries(reader: Reader, runId: string, length: number): Promise<void> {
  let total = 0;
  for (const range of allTypeIndexRanges(runId)) {
    for await (const entry of reader.scan(range)) {
      const sequence = entry.value;
      if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
        throw new Broken(undefined, 'the type index holds a malformed entry');
      }
      if (sequence < length) total++;
    }
  }
  if (total === length) return;
  // Rare path: name the event that a stray entry lists under a type it does not have.
  for (const range of allTypeIndexRanges(runId)) {
    for await (const entry of reader.scan(range)) {
      const sequence = entry.value as number;
      if (sequence >= length) continue;
      const rec = recordAt(await reader.get(Key.event(runId, sequence)), sequence);
      if (Buffer.compare(typeIndexKey(runId, rec.eventType, sequence), entry.key) !== 0) {
        throw new Broken(sequence, `event ${sequence}: the type index also lists it under another type`);
      }
    }
  }
  throw new Broken(undefined, 'the type index disagrees with the events');
}
