import type pg from 'pg';
import type { Statements } from './sql.js';

/** What the server knows and `stats()` reports: the newest commit, the entries, their size. */
export interface ServerFigures {
  version: number;
  entries: number;
  sizeBytes: number;
}

const REFRESH_MS = 1000;

/**
 * The server-side figures of `stats()`, which must answer synchronously: read at open, then kept
 * fresh in the background (at most once a second, when asked), and the version also from every
 * commit this process makes or hears of. `sizeBytes` uses `pg_total_relation_size`; a server without
 * it reports 0.
 */
export class ServerStats {
  readonly #pool: pg.Pool;
  readonly #sql: Statements;
  readonly latest: ServerFigures;
  #refreshed = 0;
  #running: Promise<void> | undefined;
  #sizeUnsupported = false;

  constructor(pool: pg.Pool, sql: Statements, version: number) {
    this.#pool = pool;
    this.#sql = sql;
    this.latest = { version, entries: 0, sizeBytes: 0 };
  }

  /** A commit at `version` happened (here or elsewhere). */
  saw(version: number): void {
    if (version > this.latest.version) this.latest.version = version;
  }

  /** Reads the figures now. */
  async refresh(): Promise<void> {
    this.#refreshed = performance.now();
    const counts = await this.#pool.query<{ version: number; entries: number }>(this.#sql.counts);
    this.saw(counts.rows[0]?.version ?? 0);
    this.latest.entries = counts.rows[0]?.entries ?? 0;
    if (this.#sizeUnsupported) return;
    try {
      this.latest.sizeBytes = (await this.#pool.query<{ bytes: number }>(this.#sql.size)).rows[0]?.bytes ?? 0;
    } catch {
      this.#sizeUnsupported = true;
    }
  }

  /** Starts a background refresh unless one ran in the last second. */
  refreshSoon(): void {
    if (this.#running !== undefined || performance.now() - this.#refreshed < REFRESH_MS) return;
    this.#running = this.refresh()
      .catch(() => {}) // the figures stay as they were; stats() never fails for them
      .finally(() => {
        this.#running = undefined;
      });
  }

  /** Resolves when no refresh is running. */
  async idle(): Promise<void> {
    await this.#running;
  }
}
