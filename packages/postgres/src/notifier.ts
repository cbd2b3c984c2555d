import pg from 'pg';

/**
 * Wakes change-feed followers when another process commits, through `LISTEN`. One connection,
 * opened while anyone follows and closed when nobody does (so an engine with no follower holds no
 * idle connection that keeps the process alive). If the connection drops it is opened again; while
 * it is down, followers still see commits by polling. Never needed for correctness.
 */
export class Notifier {
  readonly #connectionString: string;
  readonly #channel: string;
  readonly #connectTimeoutMs: number;
  readonly #onNotify: (version: number) => void;
  #followers = 0;
  #client: pg.Client | undefined;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    connectionString: string,
    channel: string,
    connectTimeoutMs: number,
    onNotify: (version: number) => void,
  ) {
    this.#connectionString = connectionString;
    this.#channel = channel;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#onNotify = onNotify;
  }

  /** A follower starts; the returned function ends it. */
  follow(): () => void {
    if (this.#followers++ === 0) this.#open();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.#followers === 0) this.#shut();
    };
  }

  #open(): void {
    const client = new pg.Client({
      connectionString: this.#connectionString,
      connectionTimeoutMillis: this.#connectTimeoutMs,
      application_name: 'agentdb-listen',
    });
    this.#client = client;
    const lost = () => {
      if (this.#client !== client) return;
      this.#client = undefined;
      client.end().catch(() => {});
      // Try again while someone follows; polling covers the gap.
      if (this.#followers > 0) this.#retry ??= setTimeout(() => this.#reopen(), 500);
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      const version = Number(n.payload);
      if (Number.isSafeInteger(version)) this.#onNotify(version);
    });
    client
      .connect()
      .then(() => client.query(`LISTEN "${this.#channel}"`))
      .catch(lost);
  }

  #reopen(): void {
    this.#retry = undefined;
    if (this.#followers > 0 && this.#client === undefined) this.#open();
  }

  #shut(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    const client = this.#client;
    this.#client = undefined;
    client?.end().catch(() => {});
  }

  /** Stops listening for good. */
  close(): void {
    this.#followers = 0;
    this.#shut();
  }
}
