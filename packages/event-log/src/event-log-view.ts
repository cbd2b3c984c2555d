import {
  AgentDBError,
  decodeValue,
  type EncodedKey,
  encodeValue,
  invalidArgument,
  Key,
  keySuccessor,
  readClock,
  type Value,
} from '@agentdb/core';
import type { CommitRecord, Engine, EngineTransaction, MutationHandle, ReadSource } from '@agentdb/engine';
import type { AppendOptions, ChainVerification, Event, IterOptions } from './event.js';
import { eventRange, metaKey, SEQUENCE_LIMIT, typeIndexKey, typeIndexRange } from './event-keys.js';
import { eventRecord, metaRecord, parseEventRecord, parseMeta, toEvent } from './event-record.js';
import { chainHash, GENESIS_HASH, hashPrefix } from './hash-layout.js';
import { checkAppendOptions, checkIterOptions, validateEventType, validateSequence } from './validate.js';
import { verifyChain } from './verify-chain.js';

/** What a view is bound to: a transaction (tracked reads, appends) or none (the facade's snapshot reads). */
export interface ViewBinding {
  tx: EngineTransaction | undefined;
  runId: string;
}

function eventAt(value: Value, sequence: number): Event {
  const rec = parseEventRecord(value);
  if (rec.sequence !== sequence) {
    throw new AgentDBError(
      'CORRUPTION',
      `the record stored as event ${sequence} says sequence ${rec.sequence}`,
    );
  }
  return toEvent(rec);
}

/**
 * One run's event log, read through a database or a transaction. `events.in(tx, runId?)` returns one
 * bound to a transaction: the `EventLog` methods minus `runId`, whose reads see the transaction's
 * snapshot and whose appends commit (or not) with it. Valid only while the transaction's function runs.
 * Events appended in the transaction are not visible to its own reads: their sequence is assigned at
 * commit.
 */
export class EventLogView {
  /** The run this view reads and appends to. */
  readonly runId: string;
  readonly #db: Engine;
  readonly #tx: EngineTransaction | undefined;
  readonly #reader: ReadSource;

  /**
   * @internal Use `events.in(tx, runId?)`. `binding` is already checked: a transaction from `bindView`,
   * or none for the facade's snapshot reads with a validated run id.
   */
  constructor(db: Engine, binding: ViewBinding) {
    this.#db = db;
    this.#tx = binding.tx;
    this.#reader = binding.tx ?? db;
    this.runId = binding.runId;
  }

  /**
   * Appends an event when the transaction commits. Its sequence, timestamp and hash are assigned at
   * commit time (a commit-time mutation), so concurrent appenders never conflict and an aborted
   * transaction consumes no sequence. Returns a handle that settles with the `Event` after commit:
   * await it after `db.transaction` resolves, not inside. Bad input throws at once (`INVALID_ARGUMENT`,
   * `INVALID_VALUE`), aborting the transaction; a failed `expectedSequence` aborts it at commit with
   * `VERSION_MISMATCH`.
   *
   * @example
   * let pending!: MutationHandle<Event>;
   * await db.transaction((tx) => {
   *   pending = events.in(tx).append('tool_call', { tool: 'search' });
   * }, { runId: 'run-1' });
   * const event = await pending; // { sequence, hash, … }
   */
  append(eventType: string, payload: Value, opts?: AppendOptions): MutationHandle<Event> {
    const tx = this.#tx;
    if (tx === undefined) throw invalidArgument('append needs a transaction view: events.in(tx, runId)');
    validateEventType(eventType);
    const expected = checkAppendOptions(opts);
    const runId = this.runId;
    typeIndexKey(runId, eventType, 0); // refuses an unusable key now rather than at commit
    const payloadBytes = encodeValue(payload, { name: 'payload' });
    const readBack = decodeValue(payloadBytes); // the payload exactly as `read` will return it
    const prefix = hashPrefix(eventType, payloadBytes);
    const clock = this.#db.clock;
    return tx.mutate<Event>(metaKey(runId), (current, ctx) => {
      const meta = parseMeta(current);
      const sequence = meta?.length ?? 0;
      if (expected !== undefined && expected !== sequence) {
        throw new AgentDBError(
          'VERSION_MISMATCH',
          `expected the next event of run "${runId}" to get sequence ${expected}, but it would get ${sequence}`,
          { expected, actual: sequence },
        );
      }
      const key = Key.event(runId, sequence);
      if (ctx.get(key) !== undefined) {
        throw new AgentDBError(
          'CORRUPTION',
          `event ${sequence} of run "${runId}" exists but the log's metadata does not count it; refusing to overwrite history`,
        );
      }
      // Timestamps never decrease along a log, even if the clock steps back.
      const timestamp = Math.max(readClock(clock), meta?.timestamp ?? 0);
      const prevHash = meta?.head ?? GENESIS_HASH;
      const hash = chainHash(prefix, sequence, timestamp, prevHash);
      ctx.put(key, eventRecord({ sequence, eventType, timestamp, payload: payloadBytes, prevHash, hash }));
      ctx.put(typeIndexKey(runId, eventType, sequence), sequence);
      return {
        value: metaRecord({ length: sequence + 1, head: hash, timestamp }),
        result: { sequence, eventType, payload: readBack, timestamp, prevHash, hash },
      };
    });
  }

  /**
   * The event at `sequence`, or `undefined` past the end of the log.
   *
   * @example
   * const first = await events.in(tx).read(0);
   */
  async read(sequence: number): Promise<Event | undefined> {
    validateSequence(sequence);
    const value = await this.#reader.get(Key.event(this.runId, sequence));
    return value === undefined ? undefined : eventAt(value, sequence);
  }

  /**
   * Events with `start ≤ sequence < end`, in order; the part past the end of the log is empty.
   * `end < start` is `INVALID_ARGUMENT`.
   *
   * @example
   * const firstTen = await events.in(tx).readRange(0, 10);
   */
  async readRange(start: number, end: number): Promise<Event[]> {
    validateSequence(start, 'start');
    validateSequence(end, 'end');
    if (end < start) throw invalidArgument(`readRange needs start ≤ end, got [${start}, ${end})`);
    const out: Event[] = [];
    if (start === end) return out;
    for await (const e of this.#reader.scan(eventRange(this.runId, start, end))) {
      out.push(eventAt(e.value, start + out.length));
    }
    return out;
  }

  /**
   * The last event, or `undefined` for an empty log. O(1): found through the log's metadata.
   *
   * @example
   * const last = await events.in(tx).head();
   */
  async head(): Promise<Event | undefined> {
    const meta = parseMeta(await this.#reader.get(metaKey(this.runId)));
    if (meta === undefined || meta.length === 0) return undefined;
    return this.read(meta.length - 1);
  }

  /**
   * The number of events (the sequence the next append gets). O(1): one metadata read.
   *
   * @example
   * const n = await events.in(tx).len();
   */
  async len(): Promise<number> {
    return parseMeta(await this.#reader.get(metaKey(this.runId)))?.length ?? 0;
  }

  /**
   * Every event of type `eventType`, in sequence order, through the type index: it reads the matches
   * (an index entry and a record each), not the log.
   *
   * @example
   * const calls = await events.in(tx).readByType('tool_call');
   */
  async readByType(eventType: string): Promise<Event[]> {
    validateEventType(eventType);
    const sequences: number[] = [];
    const keys: EncodedKey[] = [];
    for await (const e of this.#reader.scan(typeIndexRange(this.runId, eventType))) {
      const sequence = e.value;
      if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 0) {
        throw new AgentDBError('CORRUPTION', `the type index of run "${this.runId}" holds a malformed entry`);
      }
      sequences.push(sequence);
      keys.push(Key.event(this.runId, sequence));
    }
    const values = await this.#reader.getMany(keys);
    const out: Event[] = [];
    values.forEach((value, i) => {
      // Missing only if the run was deleted between the index scan and this read (outside a transaction).
      if (value === undefined) return;
      const event = eventAt(value, sequences[i]!);
      // The digest form of the index could in theory collide; the record's own type decides.
      if (event.eventType === eventType) out.push(event);
    });
    return out;
  }

  /**
   * Streams events in sequence order from `from`, reading `batchSize` at a time (memory stays bounded;
   * no snapshot is held while you process a batch). `follow` (not available inside a transaction)
   * keeps waiting for new events — appended by this or another process — until `signal` aborts or the
   * database closes. Bad options reject the first `next()`.
   *
   * @example
   * for await (const e of events.in(tx).iter({ from: 100, batchSize: 500 })) console.log(e.sequence);
   */
  async *iter(opts?: IterOptions): AsyncIterableIterator<Event> {
    const { from, batchSize, follow, signal } = checkIterOptions(opts);
    if (follow && this.#tx !== undefined) {
      throw invalidArgument(
        'iter({ follow }) is not available inside a transaction: its snapshot never changes',
      );
    }
    const end = Key.event(this.runId, SEQUENCE_LIMIT);
    let start = Key.event(this.runId, from);
    let expected = from;
    let feed: AsyncIterator<CommitRecord> | undefined;
    try {
      for (;;) {
        if (signal?.aborted) return;
        // Open the change feed before the scan, so a commit landing after the scan wakes us.
        if (follow && feed === undefined) {
          const since = this.#db.stats().version;
          feed = this.#db
            .changes({ since, follow: true, ...(signal === undefined ? {} : { signal }) })
            [Symbol.asyncIterator]();
        }
        const batch: Event[] = [];
        let last: EncodedKey | undefined;
        for await (const e of this.#reader.scan({ start, end }, { limit: batchSize })) {
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
        if (!(await this.#nextCommitOf(feed))) return;
      }
    } finally {
      await feed?.return?.();
    }
  }

  /** Waits for a commit touching this run; false when the feed ended (abort or close). */
  async #nextCommitOf(feed: AsyncIterator<CommitRecord>): Promise<boolean> {
    for (;;) {
      const next = await feed.next();
      if (next.done === true) return false;
      if (next.value.runIds.includes(this.runId)) return true;
    }
  }

  /**
   * Recomputes the whole chain from the stored bytes and reports the first broken sequence: a missing,
   * unreadable, altered, misplaced or mis-indexed event, or metadata that disagrees with the events.
   * Streams: memory does not grow with the log.
   *
   * @example
   * const { valid, length, firstInvalid } = await events.in(tx).verifyChain();
   */
  async verifyChain(): Promise<ChainVerification> {
    return verifyChain(this.#reader, this.runId);
  }
}
