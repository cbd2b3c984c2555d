import type { Readable, Writable } from 'node:stream';
import type { AgentDB } from '@agentdb/primitives';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createServer, MAX_MESSAGE_BYTES, type ServerOptions } from './create-server.js';

/** A server running over stdio. */
export interface StdioHandle {
  /** Settles when the client goes away (its end of stdin closes) or `close` was called. */
  readonly closed: Promise<void>;
  /** Stops serving; the database stays open. */
  close(): Promise<void>;
}

/**
 * Serves `db` over MCP's stdio transport: JSON-RPC messages on `stdin`/`stdout` (so nothing else may
 * write to that stdout). Messages up to the HTTP body limit are read, so values above AgentDB's size
 * limit get its INVALID_VALUE rather than a dropped connection.
 *
 * @example
 * // not run: it serves MCP over this process's stdin and stdout until stdin ends
 * const db = await AgentDB.open({ path: './agent-data' });
 * const stdio = await serveStdio(db);
 * await stdio.closed;
 * await db.close();
 */
export async function serveStdio(
  db: AgentDB,
  options: ServerOptions = {},
  streams: { stdin?: Readable; stdout?: Writable } = {},
): Promise<StdioHandle> {
  const stdin = streams.stdin ?? process.stdin;
  const server = createServer(db, options);
  const transport = new StdioServerTransport(stdin, streams.stdout ?? process.stdout, {
    maxBufferSize: MAX_MESSAGE_BYTES,
  });
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    // The SDK's transport does not watch for the end of input: the client has gone.
    stdin.once('end', () => void server.close());
  });
  await server.connect(transport);
  return { closed, close: () => server.close() };
}
