import type { ServerResponse } from 'node:http';
import { type AgentDB, type CommitRecord, runIdOfKey } from '@agentdb/primitives';
import type { ChangeMessage } from './shared/api-types.js';

/** Commits are merged into one message per this many ms, so a writer doing thousands a second costs a few messages. */
const FLUSH_MS = 100;
/** A comment line this often keeps idle connections (and proxies) from timing out. */
const HEARTBEAT_MS = 15_000;
/** Wait before following again after the change feed failed. */
const RETRY_MS = 1_000;

/**
 * The live feed of the page: one follower of `db.engine.changes({ follow: true })` (which sees
 * commits of every process) fanned out to every open page as server-sent events. Each message says
 * which runs' data changed and whether the run index did; pages re-read what they show.
 */
export class LiveFeed {
  readonly #db: AgentDB;
  readonly #clients = new Set<ServerResponse>();
  readonly #stop = new AbortController();
  readonly #heartbeat: NodeJS.Timeout;
  #pending: ChangeMessage | undefined;
  #flushTimer: NodeJS.Timeout | undefined;
  #loop: Promise<void>;

  /** Starts following from the database's latest commit. @example const feed = new LiveFeed(db) */
  constructor(db: AgentDB) {
    this.#db = db;
    this.#loop = this.#follow(db.engine.stats().version);
    this.#heartbeat = setInterval(() => this.#send(': ping\n\n'), HEARTBEAT_MS).unref();
  }

  async #follow(since: number): Promise<void> {
    let last = since;
    while (!this.#stop.signal.aborted) {
      try {
        for await (const c of this.#db.engine.changes({
          since: last,
          follow: true,
          signal: this.#stop.signal,
        })) {
          this.#add(c);
          last = c.version;
        }
      } catch {
        // The database closed under us, or the log was trimmed past `last`: start again from now.
        if (this.#stop.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS).unref());
        try {
          last = this.#db.engine.stats().version;
        } catch {
          return; // closed
        }
      }
    }
  }

  #add(c: CommitRecord): void {
    // A key outside every run's namespace belongs to the run index.
    const runIndex = c.writes.some((w) => runIdOfKey(w.key) === undefined);
    const p = this.#pending;
    if (p === undefined) this.#pending = { version: c.version, runIds: [...c.runIds], runIndex };
    else {
      p.version = c.version;
      for (const id of c.runIds) if (!p.runIds.includes(id)) p.runIds.push(id);
      p.runIndex ||= runIndex;
    }
    this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_MS);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    const p = this.#pending;
    this.#pending = undefined;
    if (p !== undefined) this.#send(`event: commit\ndata: ${JSON.stringify(p)}\n\n`);
  }

  #send(chunk: string): void {
    for (const res of this.#clients) res.write(chunk);
  }

  /**
   * Turns `res` into an event stream that receives every following change until the page goes away.
   *
   * @example
   * if (url.pathname === '/api/changes') return feed.attach(res);
   */
  attach(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    // The first line flushes the headers, so the page knows at once that it is connected.
    res.write(': connected\n\n');
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
  }

  /** Stops following and ends every stream. @example await feed.close() */
  async close(): Promise<void> {
    this.#stop.abort();
    clearInterval(this.#heartbeat);
    clearTimeout(this.#flushTimer);
    for (const res of this.#clients) res.end();
    this.#clients.clear();
    await this.#loop;
  }
}
