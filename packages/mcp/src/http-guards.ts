import { createHash, timingSafeEqual } from 'node:crypto';
import { invalidArgument } from '@agentdb/primitives';
import { InvalidTokenError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import type { RequestHandler } from 'express';

/** Host names that reach only this machine. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** A JSON-RPC error body, as the SDK's own HTTP refusals send them. */
export function jsonRpcError(code: number, message: string) {
  return { jsonrpc: '2.0' as const, error: { code, message }, id: null };
}

/**
 * Refuses (403) any request whose `Origin` header is present and not one of `allowed()`: a web page
 * in a browser always sends one, so a page on another site — or a rebound DNS name — cannot drive the
 * server. Clients outside a browser send none and pass. `allowed` is read per request because the
 * server's own origin is known only once it listens.
 *
 * @example
 * const app = express();
 * app.use(originGuard(() => new Set(['http://127.0.0.1:7420']))); // other origins: 403
 */
export function originGuard(allowed: () => ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined || allowed().has(origin)) return next();
    res.status(403).json(jsonRpcError(-32000, `Forbidden: origin ${origin} may not use this server`));
  };
}

/** The origins a browser page served by this very server would send. */
export function ownOrigins(host: string, port: number): Set<string> {
  const hosts = LOOPBACK_HOSTS.includes(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [bracketed(host)];
  return new Set(hosts.map((h) => `http://${h}:${port}`));
}

/** An IPv6 address as it appears in a URL. */
export function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * Requires `Authorization: Bearer <token>` (401 otherwise), through the SDK's bearer middleware. The
 * token is compared in constant time (over SHA-256 digests, so its length does not leak either).
 *
 * @example
 * const app = express();
 * app.use(bearerToken(process.env.AGENTDB_MCP_TOKEN ?? 'a-long-random-secret')); // others: 401
 */
export function bearerToken(token: string): RequestHandler {
  if (typeof token !== 'string' || token.length < 1 || /\s/.test(token))
    throw invalidArgument('the token must be a non-empty string without spaces');
  const expected = digest(token);
  return requireBearerAuth({
    verifier: {
      async verifyAccessToken(presented) {
        if (!timingSafeEqual(digest(presented), expected)) throw new InvalidTokenError('Invalid token');
        // The middleware insists on an expiry: this token lasts as long as the server.
        return { token: presented, clientId: 'agentdb-mcp', scopes: [], expiresAt: Number.MAX_SAFE_INTEGER };
      },
    },
  });
}
