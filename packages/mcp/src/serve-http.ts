import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AgentDB, invalidArgument } from '@agentdb/primitives';
import { localhostHostValidation } from '@modelcontextprotocol/sdk/server/middleware/hostHeaderValidation.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import {
  createServer,
  MAX_MESSAGE_BYTES,
  resolveServerOptions,
  type ServerOptions,
} from './create-server.js';
import {
  bearerToken,
  bracketed,
  jsonRpcError,
  LOOPBACK_HOSTS,
  originGuard,
  ownOrigins,
} from './http-guards.js';

/** Where and how to serve over Streamable HTTP. */
export interface HttpOptions extends ServerOptions {
  /** The address to bind. Default `127.0.0.1`; anything but a loopback address needs `token`. */
  host?: string;
  /** The port; default 0 (any free port — read it from the returned `url`). */
  port?: number;
  /** Require `Authorization: Bearer <token>` on every request. */
  token?: string;
  /** Origins (`http://host:port`) of browser pages allowed to call the server, besides its own. */
  allowedOrigins?: readonly string[];
}

/** A running HTTP server. */
export interface HttpHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:7420/mcp`. */
  readonly url: string;
  /** Ends every session and stops listening; the database stays open. */
  close(): Promise<void>;
}

/** Splits HTTP options from server options and checks the HTTP ones. */
function checkHttpOptions(opts: HttpOptions) {
  const { host = '127.0.0.1', port = 0, token, allowedOrigins = [], ...serverOptions } = opts;
  if (typeof host !== 'string' || host === '') throw invalidArgument('host must be a host name or address');
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw invalidArgument('port must be an integer 0–65535');
  if (!LOOPBACK_HOSTS.includes(host) && token === undefined)
    throw invalidArgument(
      `binding to ${host} exposes the database beyond this machine; set a token (--token or AGENTDB_MCP_TOKEN) or bind 127.0.0.1`,
    );
  return { host, port, token, allowedOrigins, serverOptions };
}

/**
 * Serves `db` over MCP Streamable HTTP at `/mcp`, one session (and one `createServer`) per client.
 * Bound to 127.0.0.1 by default; on a loopback address the SDK's Host-header check refuses rebound DNS
 * names; requests from browser pages of other origins are refused; with `token`, every request needs
 * `Authorization: Bearer <token>`. The caller keeps `db` open while serving and closes it after.
 *
 * @example
 * const db = await AgentDB.open({ path: './agent-data' });
 * const http = await serveHttp(db, { port: 7420 });
 * console.log(http.url); // http://127.0.0.1:7420/mcp
 * await http.close(); await db.close();
 */
export async function serveHttp(db: AgentDB, opts: HttpOptions = {}): Promise<HttpHandle> {
  const { host, port, token, allowedOrigins, serverOptions } = checkHttpOptions(opts);
  resolveServerOptions(serverOptions); // refuse bad options now, not on the first client
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  let origins = new Set<string>(allowedOrigins);

  const app = express();
  app.disable('x-powered-by');
  // The order matters: nothing is parsed for a request any guard refuses.
  if (LOOPBACK_HOSTS.includes(host)) app.use(localhostHostValidation());
  app.use(originGuard(() => origins));
  if (token !== undefined) app.use(bearerToken(token));
  app.use(express.json({ limit: MAX_MESSAGE_BYTES }));

  app.all('/mcp', async (req: Request, res: Response) => {
    const sessionId = req.header('mcp-session-id');
    if (sessionId !== undefined) {
      const transport = sessions.get(sessionId);
      if (transport === undefined)
        return void res.status(404).json(jsonRpcError(-32001, 'Session not found'));
      return transport.handleRequest(req, res, req.body);
    }
    if (req.method !== 'POST' || !isInitializeRequest(req.body))
      return void res
        .status(400)
        .json(jsonRpcError(-32000, 'Bad Request: no session; start with an initialize request'));
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, transport),
    });
    // Set before connect: the server chains its own close handler after this one.
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await createServer(db, serverOptions).connect(transport);
    await transport.handleRequest(req, res, req.body);
  });

  // Body-parser refusals (too large, not JSON) as JSON-RPC errors, never an HTML page or a crash.
  const onError: ErrorRequestHandler = (error: { status?: number; message?: string }, _req, res, _next) => {
    const status = typeof error.status === 'number' ? error.status : 500;
    res
      .status(status)
      .json(jsonRpcError(status === 400 ? -32700 : -32000, error.message ?? 'request failed'));
  };
  app.use(onError);

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const bound = (server.address() as AddressInfo).port;
  origins = new Set([...ownOrigins(host, bound), ...allowedOrigins]);
  return {
    url: `http://${bracketed(host)}:${bound}/mcp`,
    async close() {
      await Promise.all([...sessions.values()].map((t) => t.close()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
