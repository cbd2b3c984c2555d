import { hash } from 'node:crypto';
import { newId, type TraceType, type Value } from '@agentdb/primitives';
import type { RawPut } from './raw-lmdb.js';

const GENESIS = '0'.repeat(64);

/**
 * The raw lmdb-js equivalents of AgentDB's multi-entry writes: the same entries, of the same kinds and
 * sizes, written by lmdb-js directly with nothing checked, logged or versioned — plus the SHA-256
 * where AgentDB hashes. They are the "limit" rows of the append, trace and cross-primitive workloads:
 * what the storage underneath can do with the same work.
 *
 * @example
 * const log = new RawEventLog('bench');
 * await raw.write('one-txn', (put) => { log.append(put, 'tool_call', payload); log.flush(put); });
 */
export class RawEventLog {
  readonly #run: string;
  #length = 0;
  #head = GENESIS;
  #timestamp = 0;

  constructor(run: string) {
    this.#run = run;
  }

  /**
   * One event: its record (payload bytes, hashes) and its type-index entry; the chain head stays in
   * memory until `flush`, as AgentDB stages a log's metadata once per commit batch.
   */
  append(put: RawPut, eventType: string, payload: Value): void {
    const sequence = this.#length++;
    const timestamp = Math.max(Date.now(), this.#timestamp);
    const payloadBytes = Buffer.from(JSON.stringify(payload));
    const prevHash = this.#head;
    const suffix = Buffer.allocUnsafe(48);
    suffix.writeDoubleBE(sequence, 0);
    suffix.writeDoubleBE(timestamp, 8);
    suffix.write(prevHash, 16, 'hex');
    const digest = hash('sha256', Buffer.concat([Buffer.from(eventType), payloadBytes, suffix]), 'hex');
    put([this.#run, 'e', sequence], {
      sequence,
      eventType,
      timestamp,
      payload: payloadBytes,
      prevHash,
      hash: digest,
    });
    put([this.#run, 'by-type', eventType, sequence], sequence);
    this.#head = digest;
    this.#timestamp = timestamp;
  }

  /** Writes the log's metadata (length, head, last timestamp). */
  flush(put: RawPut): void {
    put([this.#run, 'meta'], { length: this.#length, head: this.#head, timestamp: this.#timestamp });
  }
}

/**
 * A trace as the trace store writes it: the record, its type, time and root index entries, one entry
 * per tag; the run's trace count is written once per batch by `flush`.
 *
 * @example
 * const traces = new RawTraces('bench');
 * traces.record(put, toolCall, ['web']);
 * traces.flush(put);
 */
export class RawTraces {
  readonly #run: string;
  #count = 0;

  constructor(run: string) {
    this.#run = run;
  }

  record(put: RawPut, traceType: TraceType, tags: readonly string[]): void {
    // The id AgentDB generates (nanoid): random ids insert all over the record range, as AgentDB's do.
    const id = newId();
    this.#count++;
    const timestamp = Date.now();
    const run = this.#run;
    put([run, 't', id], { id, traceType, timestamp, tags: [...tags], metadata: {} } as unknown as Value);
    put([run, 'type', traceType.type, timestamp, id], id);
    put([run, 'time', timestamp, id], id);
    put([run, 'root', timestamp, id], id);
    for (const tag of tags) put([run, 'tag', tag, timestamp, id], id);
  }

  flush(put: RawPut): void {
    put([this.#run, 'count'], this.#count);
  }
}
