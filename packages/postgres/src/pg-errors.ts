import { AgentDBError } from '@agentdb/core';

/**
 * What the engine does with an error from the `pg` driver or the server:
 * - `serialization`: the server refused the transaction to keep it serializable (40001) or broke a
 *   deadlock (40P01); nothing was applied, the commit is retried;
 * - `connection`: the connection is gone (a socket error, the server shutting down or restarting, the
 *   backend terminated); nothing sent after the last acknowledged statement can be assumed done, and
 *   the connection must be discarded;
 * - `server`: any other error the server reported; the session survives it.
 */
export type PgFailure = 'serialization' | 'connection' | 'server';

interface PgErrorShape {
  code?: unknown;
  severity?: unknown;
  message?: unknown;
}

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
const CONNECTION_MESSAGES = [
  'Connection terminated',
  'connection error',
  'not queryable',
  'timeout exceeded when trying to connect',
  'Client was closed',
];

/** Classifies an error thrown by a `pg` query or connect. */
export function classify(error: unknown): PgFailure {
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorShape;
  const code = typeof e.code === 'string' ? e.code : '';
  if (code === '40001' || code === '40P01') return 'serialization';
  if (SOCKET_CODES.has(code)) return 'connection';
  // Class 08: connection exception; 57P01–57P03: admin/crash shutdown, cannot connect now; 53300: too many connections.
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')
    return 'connection';
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return 'connection';
  const message = typeof e.message === 'string' ? e.message : '';
  if (code === '' && CONNECTION_MESSAGES.some((m) => message.includes(m))) return 'connection';
  return 'server';
}

/** The error's text with its SQLSTATE, for messages. */
export function describePgError(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorShape;
  const message = typeof e.message === 'string' ? e.message : String(error);
  return typeof e.code === 'string' ? `${message} [${e.code}]` : message;
}

/**
 * A `STORAGE` error for a failure while `doing` something, keeping the original as `cause`.
 * An `AgentDBError` passes through unchanged.
 */
export function storageError(error: unknown, doing: string): AgentDBError {
  if (error instanceof AgentDBError) return error;
  return new AgentDBError('STORAGE', `${doing}: ${describePgError(error)}`, { cause: error });
}

/**
 * The `STORAGE` error `open` reports when it cannot reach or use the database, in words an operator
 * can act on: the database is missing, the credentials are wrong, nothing listens at the address.
 */
export function openError(error: unknown, location: string): AgentDBError {
  if (error instanceof AgentDBError) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as PgErrorShape;
  const code = typeof e.code === 'string' ? e.code : '';
  const detail = describePgError(error);
  const why =
    code === '3D000'
      ? 'the database does not exist (create it first, or fix the name in the connection string)'
      : code === '28P01' || code === '28000'
        ? 'the server refused the credentials (check the user name and password in the connection string)'
        : code === 'ECONNREFUSED'
          ? 'nothing is listening at that host and port (is the PostgreSQL server running?)'
          : code === 'ENOTFOUND'
            ? 'the host name does not resolve'
            : code === '42501'
              ? 'the user may not create or use the schema (grant it CREATE on the database, or create the schema for it)'
              : classify(error) === 'connection'
                ? 'the connection failed'
                : 'the server refused a statement';
  return new AgentDBError('STORAGE', `cannot open ${location}: ${why} — ${detail}`, { cause: error });
}
