import {
  type Clock,
  checkBoolean,
  checkFunction,
  checkInt,
  checkOptions,
  DEFAULT_MAX_VALUE_BYTES,
  describe,
  invalidArgument,
  systemClock,
} from '@agentdb/core';

/** Options of `PostgresDatabase.open`. */
export interface PostgresOptions {
  /**
   * `postgres://user:password@host:port/database` (also `postgresql://`; `?sslmode=…` as in libpq).
   * A `?schema=name` parameter names the schema when the `schema` option does not.
   */
  connectionString: string;
  /** The schema holding AgentDB's tables. Default: the URL's `?schema=`, else `agentdb`. */
  schema?: string;
  /**
   * Create the schema and tables if they are missing (default). With `false`, a schema without
   * AgentDB's tables is `NOT_FOUND` and nothing is created (for tools that only look).
   */
  create?: boolean;
  /** Milliseconds since the epoch; default `Date.now`. Drives TTL and every timestamp. */
  clock?: Clock;
  /** Default conflict attempts of `transaction`. Default 10. */
  retries?: number;
  /** Largest encoded value accepted, in bytes. Default 16 MiB. */
  maxValueBytes?: number;
  /** Connections for transaction snapshots and scans (each running transaction that reads holds one). Default 10. */
  poolSize?: number;
  /** How often the background TTL sweeper runs; `0` turns it off. Default 1000. */
  sweepIntervalMs?: number;
  /** Most expired entries one sweep commit deletes. Default 1000. */
  sweepBatchSize?: number;
  /** How often a following `changes()` polls for commits when no notification woke it. Default 500. */
  pollIntervalMs?: number;
  /** How long opening a connection may take before it fails with `STORAGE`. Default 10,000. */
  connectTimeoutMs?: number;
  /**
   * How long a commit that lost its connection keeps reconnecting (to retry it, or to find out whether
   * it committed) before it fails with `STORAGE`. Default 10,000.
   */
  reconnectTimeoutMs?: number;
  /**
   * How long a pinned snapshot (a running transaction that has read, or a `db.scan` in progress) may
   * sit between two reads before the server ends it and gives its connection back; its next read
   * fails with `TIMEOUT`. Default 60,000; 0 = never.
   */
  snapshotIdleTimeoutMs?: number;
}

/** Options after checks and defaults. */
export interface ResolvedPostgresOptions {
  /** The connection string for `pg`, without AgentDB's own `schema` parameter. */
  connectionString: string;
  /** The server address without credentials, and the schema: what `location` reports. */
  location: string;
  schema: string;
  create: boolean;
  clock: Clock;
  retries: number;
  maxValueBytes: number;
  poolSize: number;
  sweepIntervalMs: number;
  sweepBatchSize: number;
  pollIntervalMs: number;
  connectTimeoutMs: number;
  reconnectTimeoutMs: number;
  snapshotIdleTimeoutMs: number;
}

// A record over the interface's keys: an option added to the interface but not here is a type error.
const OPTIONS: Record<keyof PostgresOptions, true> = {
  connectionString: true,
  schema: true,
  create: true,
  clock: true,
  retries: true,
  maxValueBytes: true,
  poolSize: true,
  sweepIntervalMs: true,
  sweepBatchSize: true,
  pollIntervalMs: true,
  connectTimeoutMs: true,
  reconnectTimeoutMs: true,
  snapshotIdleTimeoutMs: true,
};
const OPTION_NAMES = Object.keys(OPTIONS) as (keyof PostgresOptions)[];

/** Lower-case SQL identifiers only: they need no quoting rules beyond double quotes, on any server. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a connection string without connecting: a `postgres://` or `postgresql://` URL that parses.
 * Returns the address to report (no password), the `schema` parameter if any, and the connection
 * string without it. `INVALID_ARGUMENT` otherwise.
 */
export function checkConnectionString(value: unknown): { address: string; schema?: string; forPg: string } {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidArgument(
      `connectionString must be a postgres:// URL such as postgres://user:password@localhost:5432/db, got ${describe(value)}`,
    );
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidArgument(
      'connectionString is not a URL: expected postgres://user:password@host:port/database',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw invalidArgument(
      `connectionString must start with postgres:// or postgresql://, got ${url.protocol}//`,
    );
  }
  if (url.hostname === '') throw invalidArgument('connectionString names no host');
  const user = url.username === '' ? '' : `${url.username}@`;
  const address = `postgres://${user}${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  const schema = url.searchParams.get('schema');
  if (schema === null) return { address, forPg: value };
  url.searchParams.delete('schema');
  return { address, schema, forPg: url.href };
}

/**
 * Validates `PostgresDatabase.open` options (known names only, each read once) and fills in defaults.
 * Throws `INVALID_ARGUMENT` before any connection is made.
 */
export function resolvePostgresOptions(opts: PostgresOptions): ResolvedPostgresOptions {
  if (opts === undefined || opts === null || typeof opts !== 'object') {
    throw invalidArgument('PostgresDatabase.open needs { connectionString: "postgres://…" }');
  }
  const o = checkOptions(opts, OPTION_NAMES, 'PostgresDatabase.open');
  const { address, schema: inUrl, forPg } = checkConnectionString(o.connectionString);
  const schema = o.schema ?? inUrl ?? 'agentdb';
  if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) {
    throw invalidArgument(
      `schema must be a lower-case SQL identifier (letters, digits, _; at most 63), got ${describe(schema)}`,
    );
  }
  const int = (name: keyof PostgresOptions, fallback: number, min: number) =>
    checkInt(o[name] ?? fallback, name, min);
  return {
    connectionString: forPg,
    location: `${address}?schema=${schema}`,
    schema,
    create: o.create === undefined ? true : checkBoolean(o.create, 'create'),
    clock: o.clock === undefined ? systemClock : checkFunction<Clock>(o.clock, 'clock', '() => number'),
    retries: int('retries', 10, 1),
    maxValueBytes: int('maxValueBytes', DEFAULT_MAX_VALUE_BYTES, 1),
    poolSize: int('poolSize', 10, 1),
    sweepIntervalMs: int('sweepIntervalMs', 1000, 0),
    sweepBatchSize: int('sweepBatchSize', 1000, 1),
    pollIntervalMs: int('pollIntervalMs', 500, 1),
    connectTimeoutMs: int('connectTimeoutMs', 10_000, 1),
    reconnectTimeoutMs: int('reconnectTimeoutMs', 10_000, 0),
    snapshotIdleTimeoutMs: int('snapshotIdleTimeoutMs', 60_000, 0),
  };
}
