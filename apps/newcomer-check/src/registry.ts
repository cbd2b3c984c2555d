import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { userEnv } from './processes.js';

/** A private npm registry (Verdaccio) serving `@agentdb/*`, and a token that may publish to it. */
export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** A publish token for the npmrc line `//127.0.0.1:<port>/:_authToken=<token>`. */
  token: string;
  /** The npmrc lines that send `@agentdb/*` (and only it) to this registry, with the token. */
  npmrc: string;
  /** Stops the server and removes its storage. */
  stop(): Promise<void>;
}

/** A port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

// No uplinks: this registry never reaches the internet. It holds only what is published to it, so
// a package manager pointed at it for `@agentdb/*` can only get our packages from our publish, and
// gets every other package from its usual registry.
function config(storage: string, port: number): string {
  return `storage: ${storage}/storage
auth:
  htpasswd:
    file: ${storage}/htpasswd
    max_users: 10
uplinks: {}
packages:
  '@agentdb/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
    publish: $authenticated
listen: 127.0.0.1:${port}
max_body_size: 200mb
log: { type: stdout, format: pretty, level: warn }
`;
}

async function waitUntilUp(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(new URL('-/ping', url))).ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`verdaccio did not answer on ${url} in 60 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts Verdaccio (the pinned devDependency) on a free local port with empty storage and an
 * account, and returns its address and a publish token.
 *
 * @example
 * const registry = await startRegistry();
 * writeFileSync(join(project, '.npmrc'), registry.npmrc);
 * await registry.stop();
 */
export async function startRegistry(): Promise<LocalRegistry> {
  const storage = mkdtempSync(join(tmpdir(), 'agentdb-verdaccio-'));
  const port = await freePort();
  writeFileSync(join(storage, 'config.yaml'), config(storage, port));
  const bin = createRequire(import.meta.url).resolve('verdaccio/bin/verdaccio');
  const child = spawn(process.execPath, [bin, '--config', join(storage, 'config.yaml')], {
    env: userEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    }
    rmSync(storage, { recursive: true, force: true });
  };
  try {
    await waitUntilUp(url, child, () => output);
    // The CouchDB-style login every npm client uses for `npm adduser`; it answers a bearer token.
    const response = await fetch(new URL('-/user/org.couchdb.user:agentdb', url), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'agentdb', password: 'publish-check' }),
    });
    const { token } = (await response.json()) as { token?: string };
    if (!response.ok || token === undefined)
      throw new Error(`verdaccio refused the account: ${response.status}`);
    const host = url.replace(/^http:/, '');
    return { url, token, npmrc: `@agentdb:registry=${url}\n${host}:_authToken=${token}\n`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
