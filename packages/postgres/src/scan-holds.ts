import { AgentDBError } from '@agentdb/core';
import type { PgSnapshot } from './pg-snapshot.js';

/**
 * The snapshots of `db.scan` iterations in progress: each pins a pooled connection until it ends. An
 * iteration dropped unfinished never ends by itself, so its snapshot is released when its iterator is
 * garbage-collected, and `close()` releases all of them (their next step fails with `CLOSED`). An
 * iteration that only pauses too long is ended by the server (`idle_in_transaction_session_timeout`,
 * set from `scanIdleTimeoutMs` on the snapshot connections).
 */
export class ScanHolds {
  readonly #open = new Set<{ snapshot: PgSnapshot }>();
  readonly #dropped = new FinalizationRegistry<{ snapshot: PgSnapshot }>((hold) => {
    this.#open.delete(hold);
    hold.snapshot.release();
  });

  /** Holds `snapshot` for the life of `iterator`; the returned function ends the hold. */
  hold(iterator: object, snapshot: PgSnapshot): () => void {
    const hold = { snapshot };
    this.#open.add(hold);
    this.#dropped.register(iterator, hold, hold);
    return () => {
      this.#dropped.unregister(hold);
      this.#open.delete(hold);
      snapshot.release();
    };
  }

  /** Ends every open iteration (the engine is closing). */
  endAll(): void {
    const reason = new AgentDBError('CLOSED', 'the database was closed during this scan');
    for (const hold of this.#open) hold.snapshot.release(reason);
    this.#open.clear();
  }
}
