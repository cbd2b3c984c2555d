import {
  AgentDBError,
  type EncodedKey,
  invalidArgument,
  isAgentDBError,
  Key,
  keySuccessor,
  type Value,
} from '@agentdb/core';
import type { CommitRecord, Engine, ReadSource } from '@agentdb/engine';
import { checkIterOptions, validateEventType, validateSequence } from './arguments.js';
import {
  allTypeIndexRanges,
  chainHash,
  eventAt,
  eventRange,
  GENESIS_HASH,
  hashPrefix,
  type LogMeta,
  metaKey,
  parseEventRecord,
  parseMeta,
  SEQUENCE_LIMIT,
  type StoredEvent,
  typeIndexKey,
  typeIndexRange,
} from './layout.js';
import type { ChainVerification, Event, IterOptions } from './types.js';

/*
 * Every read of the event log, written once against a `ReadSource`: the engine (the facade's snapshot
 * reads) or a transaction (the view). Each checks its arguments before it reads. A transaction's reads
 * see its snapshot, never its own pending appends: their sequences exist only after commit.
 */

/**
 * The log's metadata as the snapshot holds it. Inside a transaction `get` does not run the
 * transaction's own pending appends (commit-time mutations, previewed only by `getPending`), so their
 * events, which do not exist before commit, are not counted.
 */
async function readMeta(src: ReadSource, runId: string): Promise<LogMeta | undefined> {
  return parseMeta(await src.get(metaKey(runId)));
}

/** The event at `sequence`, or `undefined` past the end of the log. */
export async function readEvent(
  src: ReadSource,
  runId: string,
  sequence: number,
): Promise<Event | undefined> {
  validateSequence(sequence);
  const value = await src.get(Key.event(runId, sequence));
  return value === undefined ? undefined : eventAt(value, sequence);
}

/** Events with `start ≤ sequence < end`, in order; `end < start` is `INVALID_ARGUMENT`. */
export async function readEventRange(
  src: ReadSource,
  runId: string,
  start: number,
  end: number,
): Promise<Event[]> {
  validateSequence(start, 'start');
  validateSequence(end, 'end');
  if (end < start) throw invalidArgument(`readRange needs start ≤ end, got [${start}, ${end})`);
  const out: Event[] = [];
  if (start === end) return out;
  for await (const e of src.scan(eventRange(runId, start, end))) {
    out.push(eventAt(e.value, start + out.length));
  }
  return out;
}

/** The last event, or `undefined` for an empty log: found through the metadata, O(1). */
export async function readHead(src: ReadSource, runId: string): Promise<Event | undefined> {
  const meta = await readMeta(src, runId);
  if (meta === undefined || meta.length === 0) return undefined;
  return readEvent(src, runId, meta.length - 1);
}

/** The number of events (the sequence the next append gets): one metadata read. */
export async function readLength(src: ReadSource, runId: string): Promise<number> {
  return (await readMeta(src, runId))?.length ?? 0;
}

/** Every event of type `eventType`, in order, through the type index: O(matches), not O(log). */
export async function readEventsOfType(src: ReadSource, runId: string, eventType: string): Promise<Event[]> {
  validateEventType(eventType);
  const sequences: number[] = [];
  const keys: EncodedKey[] = [];
  for await (const e of src.scan(typeIndexRange(runId, eventType))) {
    const sequence = e.value;
    if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
      throw new AgentDBError('CORRUPTION', `the type index of run "${runId}" holds a malformed entry`);
    }
    sequences.push(sequence);
    keys.push(Key.event(runId, sequence));
  }
  const values = await src.getMany(keys);
  const out: Event[] = [];
  values.forEach((value: Value | undefined, i) => {
    // Missing only if the run was deleted between the index scan and this read (outside a transaction).
    if (value === undefined) return;
    const event = eventAt(value, sequences[i]!);
    // The digest form of the index could in theory collide; the record's own type decides.
    if (event.eventType === eventType) out.push(event);
  });
  return out;
}

/**
 * Streams events in sequence order from `from`, `batchSize` at a time (memory stays bounded; no
 * snapshot is held while a batch is processed). With `follow`, waits for new events through `engine`'s
 * change feed until `signal` aborts or the engine closes; without an engine (inside a transaction,
 * whose snapshot never changes) `follow` is `INVALID_ARGUMENT`. Bad options reject the first `next()`.
 */
export async function* iterEvents(
  src: ReadSource,
  runId: string,
  opts: IterOptions | undefined,
  engine: Engine | undefined,
): AsyncIterableIterator<Event> {
  const { from, batchSize, follow, signal } = checkIterOptions(opts);
  if (follow && engine === undefined) {
    throw invalidArgument(
      'iter({ follow }) is not available inside a transaction: its snapshot never changes',
    );
  }
  const end = Key.event(runId, SEQUENCE_LIMIT);
  let start = Key.event(runId, from);
  let expected = from;
  let feed: AsyncIterator<CommitRecord> | undefined;
  try {
    for (;;) {
      if (signal?.aborted) return;
      // Open the change feed before the scan, so a commit landing after the scan wakes us.
      if (follow && feed === undefined) {
        const since = engine!.stats().version;
        feed = engine!
          .changes({ since, follow: true, ...(signal === undefined ? {} : { signal }) })
          [Symbol.asyncIterator]();
      }
      const batch: Event[] = [];
      let last: EncodedKey | undefined;
      for await (const e of src.scan({ start, end }, { limit: batchSize })) {
        batch.push(eventAt(e.value, expected + batch.length));
        last = e.key;
      }
      if (last !== undefined) start = keySuccessor(last);
      expected += batch.length;
      for (const event of batch) {
        if (signal?.aborted) return;
        yield event;
      }
      if (batch.length === batchSize) continue;
      if (feed === undefined) return;
      if (!(await nextCommitOf(feed, runId))) return;
    }
  } finally {
    await feed?.return?.();
  }
}

/** Waits for a commit touching `runId`; false when the feed ended (abort or close). */
async function nextCommitOf(feed: AsyncIterator<CommitRecord>, runId: string): Promise<boolean> {
  for (;;) {
    const next = await feed.next();
    if (next.done === true) return false;
    if (next.value.runIds.includes(runId)) return true;
  }
}

// ─── verifyChain ────────────────────────────────────────────────────────────────────────────────

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

async function checkedMeta(src: ReadSource, runId: string) {
  try {
    return await readMeta(src, runId);
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
export async function verifyChain(src: ReadSource, runId: string): Promise<ChainVerification> {
  let verified = 0;
  try {
    // Read the metadata before and after the events: appends committed in between (only possible
    // outside a transaction) then sit between the two lengths, whereas missing or extra events do not.
    const before = await checkedMeta(src, runId);
    let prevHash = GENESIS_HASH;
    let lastTimestamp = 0;
    try {
      for await (const entry of src.scan(eventRange(runId, 0))) {
        // Comparing with the expected key is much cheaper than decoding the entry's key.
        if (Buffer.compare(entry.key, Key.event(runId, verified)) !== 0) {
          throw new Broken(verified, `event ${verified} is missing`);
        }
        const rec = recordAt(entry.value, verified);
        prevHash = checkEvent(rec, verified, prevHash);
        lastTimestamp = rec.timestamp;
        if ((await src.get(typeIndexKey(runId, rec.eventType, verified))) !== verified) {
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
    const after = await checkedMeta(src, runId);
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
    await checkNoStrayIndexEntries(src, runId, verified);
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
async function checkNoStrayIndexEntries(src: ReadSource, runId: string, length: number): Promise<void> {
  let total = 0;
  for (const range of allTypeIndexRanges(runId)) {
    for await (const entry of src.scan(range)) {
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
    for await (const entry of src.scan(range)) {
      const sequence = entry.value as number;
      if (sequence >= length) continue;
      const rec = recordAt(await src.get(Key.event(runId, sequence)), sequence);
      if (Buffer.compare(typeIndexKey(runId, rec.eventType, sequence), entry.key) !== 0) {
        throw new Broken(sequence, `event ${sequence}: the type index also lists it under another type`);
      }
    }
  }
  throw new Broken(undefined, 'the type index disagrees with the events');
}
