import { AgentDBError } from '@agentdb/core';
import { isReadersFull } from './lmdb-errors.js';
import type { Snapshot } from './snapshot.js';

/** What the database knows of one `db.scan` iteration: its snapshot once it started, and when it last moved. */
export interface ScanHold {
  snapshot: Snapshot | undefined;
  lastStep: number;
}

/**
 * The `db.scan` iterations that hold a read snapshot. Each pins an LMDB reader slot (126 per
 * directory, shared by every process) until it ends, and an iteration that is started and then
 * dropped never ends by itself: enough of them and every read on the directory fails. So a scan's
 * snapshot is also released when its iterator is garbage-collected, when it has not moved for
 * `idleMs` (its next step then fails with `TIMEOUT`), and at `close()` (`CLOSED`).
 */
export class OpenScans {
  readonly #idleMs: number;
  readonly #open = new Set<ScanHold>();
  readonly #abandoned = new FinalizationRegistry<ScanHold>((hold) =>
    this.end(hold, new AgentDBError('CLOSED', 'this scan was garbage-collected before it finished')),
  );
  #timer: NodeJS.Timeout | undefined;

  /** @param idleMs how long a scan may sit between steps before its snapshot is released (0: forever) */
  constructor(idleMs: number) {
    this.#idleMs = idleMs;
  }

  /** A hold for a new iterator, released if `iterator` is garbage-collected first. */
  watch(iterator: object): ScanHold {
    const hold: ScanHold = { snapshot: undefined, lastStep: performance.now() };
    this.#abandoned.register(iterator, hold, hold);
    return hold;
  }

  /** The iteration took `snapshot`. */
  started(hold: ScanHold, snapshot: Snapshot): void {
    hold.snapshot = snapshot;
    hold.lastStep = performance.now();
    this.#open.add(hold);
    if (this.#idleMs > 0 && this.#timer === undefined) {
      this.#timer = setInterval(() => this.#releaseIdle(), Math.max(50, this.#idleMs / 4));
      this.#timer.unref();
    }
  }

  /** Ends an iteration's hold, releasing its snapshot (with `reason` for any later step). */
  end(hold: ScanHold, reason?: AgentDBError): void {
    this.#abandoned.unregister(hold);
    this.#open.delete(hold);
    hold.snapshot?.release(reason);
    hold.snapshot = undefined;
    if (this.#open.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Ends every open iteration (the database is closing, or LMDB's reader table is full); how many. */
  endAll(reason: AgentDBError): number {
    const open = [...this.#open];
    for (const hold of open) this.end(hold, reason);
    return open.length;
  }

  /**
   * After a read that needs an LMDB reader slot failed with `error`: if the reader table is full, the
   * open iterations give theirs up (their next step fails with `STORAGE`, saying why) and `read` is
   * tried once more; otherwise `error` is thrown. A process that dropped scans faster than the garbage
   * collector found them must not lock every reader of the directory out.
   */
  afterReadersFull<T>(error: unknown, read: () => T): T {
    const released = isReadersFull(error)
      ? this.endAll(
          new AgentDBError(
            'STORAGE',
            "this scan's snapshot was released because LMDB's reader table was full; finish or break out of scans",
          ),
        )
      : 0;
    if (released === 0) throw error;
    return read();
  }

  #releaseIdle(): void {
    const cutoff = performance.now() - this.#idleMs;
    for (const hold of [...this.#open]) {
      if (hold.lastStep >= cutoff) continue;
      this.end(
        hold,
        new AgentDBError(
          'TIMEOUT',
          `this scan sat for more than ${this.#idleMs} ms between two steps, so its snapshot was released ` +
            "(an open snapshot holds one of LMDB's reader slots). Read in pages (limit, and a range starting " +
            'after the last key) or raise scanIdleTimeoutMs',
        ),
      );
    }
  }
}
