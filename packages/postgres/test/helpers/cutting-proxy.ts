import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** What the proxy does to the next `COMMIT` a client sends. */
export type Cut =
  /** Forward it, let the server commit, then drop the connection before the client hears back. */
  | 'after-commit'
  /** Drop the connection instead of forwarding it: the server never sees it. */
  | 'before-commit';

/** A TCP proxy in front of a PostgreSQL server that can cut a connection at its `COMMIT`. */
export interface CuttingProxy {
  port: number;
  /** Arms one cut: the next `COMMIT` seen on any connection is cut so. */
  arm(cut: Cut): void;
  /** How many cuts happened. */
  readonly cuts: number;
  close(): Promise<void>;
}

// A simple-protocol Query message holding exactly "COMMIT": 'Q', int32 length 11, "COMMIT\0".
const COMMIT = Buffer.from([0x51, 0, 0, 0, 11, ...Buffer.from('COMMIT'), 0]);

/**
 * Starts a proxy on a free local port forwarding to `127.0.0.1:<target>`.
 *
 * @example
 * const proxy = await startCuttingProxy(server.port);
 * proxy.arm('after-commit');
 */
export function startCuttingProxy(target: number): Promise<CuttingProxy> {
  let armed: Cut | undefined;
  let cuts = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let cutOnReply = false;
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (armed !== undefined && chunk.includes(COMMIT)) {
        const cut = armed;
        armed = undefined;
        cuts++;
        if (cut === 'before-commit') return end();
        cutOnReply = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (cutOnReply) return end(); // the server committed; the client never hears it
      client.write(chunk);
    });
    for (const s of [client, upstream]) {
      s.on('error', end);
      s.on('close', () => {
        sockets.delete(s);
        end();
      });
    }
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as { port: number }).port,
        arm: (cut) => {
          armed = cut;
        },
        get cuts() {
          return cuts;
        },
        close: () =>
          new Promise((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
