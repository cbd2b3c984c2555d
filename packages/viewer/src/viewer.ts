import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AgentDB,
  AgentDBError,
  describe,
  invalidArgument,
  isAgentDBError,
  validateRunId,
} from '@agentdb/primitives';
import { answer } from './api.js';
import { LiveFeed } from './live-feed.js';
import { runExists } from './run-detail.js';
import type { ErrorBody } from './shared/api-types.js';
import { type Asset, loadAssets } from './static-assets.js';

/** The port `agentdb <dir> ui` and `createViewer` use unless told otherwise. */
export const DEFAULT_PORT = 7077;
/** Loopback only: the page shows everything in the database, so it is not offered to the network. */
export const DEFAULT_HOST = '127.0.0.1';

/** Options of `createViewer`. */
export interface ViewerOptions {
  /** TCP port; `0` picks a free one (read it back from `viewer.port`). Default 7077. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`; anything else exposes the database to that network. */
  host?: string;
}

/** A running viewer. */
export interface Viewer {
  /** Where the page is, e.g. `http://127.0.0.1:7077/`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Stops listening, ends open pages' live streams and waits for them; idempotent. The database stays open. */
  close(): Promise<void>;
}

function checkOptions(opts: unknown): { port: number; host: string } {
  if (opts === undefined) return { port: DEFAULT_PORT, host: DEFAULT_HOST };
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) {
    throw invalidArgument(`viewer options must be an object { port?, host? }, got ${describe(opts)}`);
  }
  for (const key of Object.keys(opts)) {
    if (key !== 'port' && key !== 'host')
      throw invalidArgument(`unknown viewer option "${key}" (expected port, host)`);
  }
  const { port = DEFAULT_PORT, host = DEFAULT_HOST } = opts as Record<string, unknown>;
  if (typeof port !== 'number' || !Number.isSafeInteger(port) || port < 0 || port > 65535) {
    throw invalidArgument(`port must be an integer from 0 to 65535, got ${describe(port)}`);
  }
  if (typeof host !== 'string' || host.length === 0)
    throw invalidArgument(`host must be a non-empty string, got ${describe(host)}`);
  return { port, host };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * On a loopback address, only requests naming a loopback host are answered: a web page elsewhere
 * cannot reach the viewer by pointing its own domain name at 127.0.0.1 (DNS rebinding).
 */
function hostAllowed(req: IncomingMessage, boundHost: string): boolean {
  if (!LOOPBACK.has(boundHost) && !boundHost.startsWith('127.')) return true;
  const name = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  return LOOPBACK.has(name) || name.startsWith('127.') || name === boundHost;
}

function send(res: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

function sendError(res: ServerResponse, error: unknown): void {
  const known = isAgentDBError(error, 'NOT_FOUND')
    ? ([404, 'NOT_FOUND'] as const)
    : isAgentDBError(error, 'INVALID_ARGUMENT')
      ? ([400, 'BAD_REQUEST'] as const)
      : ([500, 'INTERNAL'] as const);
  // An AgentDBError's message starts with its code; the body carries the code on its own.
  const message = isAgentDBError(error)
    ? error.message.slice(error.code.length + 2)
    : error instanceof Error
      ? error.message
      : String(error);
  const body: ErrorBody = { error: message, code: known[1] };
  send(res, known[0], 'application/json; charset=utf-8', JSON.stringify(body));
}

/** A path segment, decoded; a malformed %-escape is a bad request rather than a crash. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidArgument(`the path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

/** The status of the page at `pathname`: 404 for a run the database does not know or an unknown path. */
async function pageStatus(db: AgentDB, pathname: string): Promise<number> {
  if (pathname === '/') return 200;
  const m = /^\/runs\/([^/]+)$/.exec(pathname);
  if (m === null) return 404;
  let runId: string;
  try {
    runId = decodeSegment(m[1]!);
    validateRunId(runId);
  } catch {
    return 404;
  }
  return (await runExists(db, runId)) ? 200 : 404;
}

/**
 * Starts a local, read-only web viewer of `db`: the runs, and per run its trace tree, event timeline
 * (with chain verification), KV entries, state cells and child runs, updated live as any process
 * writes. It only ever reads `db` (open it with `readOnly: true` to have the engine enforce that).
 * Resolves once it listens; closing it leaves `db` open.
 *
 * @example
 * const db = await AgentDB.open({ path: './agent-data', readOnly: true });
 * const viewer = await createViewer(db, { port: 0 });
 * console.log(`open ${viewer.url}`);
 * // …
 * await viewer.close();
 * await db.close();
 */
export async function createViewer(db: AgentDB, opts?: ViewerOptions): Promise<Viewer> {
  if (!(db instanceof AgentDB)) throw invalidArgument('createViewer needs an open AgentDB (AgentDB.open)');
  const { port, host } = checkOptions(opts);
  const assets = loadAssets();
  const shell = assets.get('/assets/index.html') as Asset;
  const feed = new LiveFeed(db);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, host)) return send(res, 403, 'text/plain; charset=utf-8', 'forbidden host\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'text/plain; charset=utf-8', 'the viewer is read-only\n');
    }
    const url = new URL(req.url ?? '/', 'http://viewer');
    const { pathname } = url;
    if (pathname === '/api/changes') return feed.attach(res);
    if (pathname.startsWith('/api/')) {
      const path = pathname
        .slice('/api/'.length)
        .split('/')
        .filter((p) => p !== '')
        .map(decodeSegment);
      const body = await answer(db, path, url.searchParams);
      return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(body));
    }
    const asset = assets.get(pathname);
    if (asset !== undefined) return send(res, 200, asset.contentType, asset.body);
    // Every other path is the page; it routes in the browser and asks the API for its data.
    send(res, await pageStatus(db, pathname), shell.contentType, shell.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, error);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      feed.close().catch(() => {});
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? invalidArgument(
              `cannot listen on ${host}:${port}: ${error.code === 'EADDRINUSE' ? 'the port is in use' : error.message}`,
            )
          : new AgentDBError('STORAGE', `the viewer could not start: ${error.message}`),
      );
    });
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${bound}/`,
    host,
    port: bound,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        await feed.close();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
