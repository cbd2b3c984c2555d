import { createServer } from 'node:net';
import { tempDir } from '@agentdb/engine/testing';
import { AgentDB, isAgentDBError } from '@agentdb/primitives';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChangeMessage, createViewer, type Viewer } from '../src/index.js';
import { removeDir } from './helpers/databases.js';

// The HTTP side without a browser: read-only, what it refuses, its errors and its live stream.
// The viewer gets a writable database here (as an app embedding it would), so these tests show the
// viewer itself never writes, not only that a read-only open refuses writes.
let dir: string;
let db: AgentDB;
let viewer: Viewer;
const RUN = 'r-1';

/** Every kind of API request the page makes. */
const API = [
  '/api/runs',
  '/api/runs?status=active&tag=t&q=r&limit=5',
  `/api/runs/${RUN}`,
  `/api/runs/${RUN}/traces`,
  `/api/runs/${RUN}/traces/root`,
  `/api/runs/${RUN}/traces/root/children`,
  `/api/runs/${RUN}/events?start=0&limit=10`,
  `/api/runs/${RUN}/events/1`,
  `/api/runs/${RUN}/verify`,
  `/api/runs/${RUN}/kv`,
  `/api/runs/${RUN}/state`,
];

beforeAll(async () => {
  dir = tempDir('agentdb-viewer-server-');
  db = await AgentDB.open({ path: dir, sweepIntervalMs: 0 });
  await db.runs.createRun({ runId: RUN, tags: ['t'], metadata: { big: 2n ** 70n, at: new Date(0) } });
  await db.transaction(RUN, async (tx) => {
    await tx.kv.put('k', { bytes: new Uint8Array([1, 2, 255]) }, { ttlMs: 60_000 });
    await tx.state.set('phase', 'acting');
    const root = await tx.traces.record({ type: 'thought', content: 'plan' }, { id: 'root' });
    await tx.traces.recordChild(root, { type: 'error', errorType: 'E', message: 'm', recoverable: false });
    tx.events.append('a', { n: -0 });
    tx.events.append('b', { nan: Number.NaN });
  });
  viewer = await createViewer(db, { port: 0 });
});

afterAll(async () => {
  await viewer?.close();
  await db?.close();
  removeDir(dir);
});

const get = (path: string, init?: RequestInit) => fetch(new URL(path, viewer.url), init);

describe('read-only', () => {
  it('answers every API request without writing a single commit', async () => {
    const { version, commits } = db.engine.stats();
    for (const path of API) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      await res.json();
    }
    for (const path of ['/', `/runs/${RUN}`, '/assets/app.css', '/assets/client/main.js'])
      expect((await get(path)).status).toBe(200);
    expect(db.engine.stats()).toMatchObject({ version, commits });
  });

  it('refuses every method but GET and HEAD', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await get(`/api/runs/${RUN}`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
    }
  });

  it('renders stored values losslessly as text: bigints, bytes, dates, -0, NaN', async () => {
    const run = (await (await get(`/api/runs/${RUN}`)).json()) as { run: { metadata: { line: string } } };
    expect(run.run.metadata.line).toBe('{"big":1180591620717411303424n,"at":Date(1970-01-01T00:00:00.000Z)}');
    const events = (await (await get(`/api/runs/${RUN}/events`)).json()) as {
      events: { payload: { line: string } }[];
    };
    expect(events.events.map((e) => e.payload.line)).toEqual(['{"n":-0}', '{"nan":NaN}']);
    const kv = (await (await get(`/api/runs/${RUN}/kv`)).json()) as {
      entries: { value: { full: string }; expiresAt: number }[];
    };
    expect(kv.entries[0]!.value.full).toBe('{\n  "bytes": bytes(3:0102ff)\n}');
    expect(kv.entries[0]!.expiresAt).toBeGreaterThan(Date.now());
  });
});

describe('requests it refuses', () => {
  it('answers bad parameters with 400 and the reason', async () => {
    for (const [path, reason] of [
      ['/api/runs?limit=0', /limit must be an integer from 1 to 1000/],
      ['/api/runs?status=done', /status must be a run status/],
      ['/api/runs?after=yesterday', /after must be a cursor/],
      [`/api/runs/${RUN}/events?start=-1`, /start must be an integer/],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as { error: string; code: string };
      expect(body.code).toBe('BAD_REQUEST');
      expect(body.error).toMatch(reason);
    }
  });

  it('answers a malformed percent-escape with 400 (API) or 404 (page), never a crash', async () => {
    expect((await get('/api/runs/%E0%A4%A')).status).toBe(400);
    expect((await get('/runs/%E0%A4%A')).status).toBe(404);
    expect((await get('/api/runs')).status).toBe(200);
  });

  it('answers unknown runs, traces, events and API paths with 404', async () => {
    for (const path of [
      '/api/runs/nope',
      `/api/runs/${RUN}/traces/nope`,
      `/api/runs/${RUN}/events/99`,
      '/api/stats',
      `/api/runs/${RUN}/kv/x`,
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as { code: string }).code).toBe('NOT_FOUND');
    }
  });

  it('answers a request naming another host with 403 (no DNS rebinding onto 127.0.0.1)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        new URL('/api/runs', viewer.url),
        { headers: { host: 'evil.example:80' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await get('/api/runs', { headers: { host: `localhost:${viewer.port}` } })).status).toBe(200);
  });

  it('serves only its own files, which load nothing from elsewhere', async () => {
    const html = await (await get('/')).text();
    expect(html).toContain('/assets/client/main.js');
    for (const path of ['/assets/app.css', '/assets/client/main.js', '/assets/client/run-page.js']) {
      const body = await (await get(path)).text();
      expect(body).not.toMatch(/https?:\/\//);
    }
    expect(html).not.toMatch(/https?:\/\//);
    expect((await get('/assets/../package.json')).status).toBe(404);
    expect((await get('/assets/nope.js')).status).toBe(404);
  });
});

describe('createViewer', () => {
  it('refuses bad options with INVALID_ARGUMENT before listening', async () => {
    for (const opts of [{ port: -1 }, { port: 70_000 }, { port: 1.5 }, { host: '' }, { prot: 1 }, null]) {
      const error = await createViewer(db, opts as never).catch((e: unknown) => e);
      expect(isAgentDBError(error, 'INVALID_ARGUMENT'), JSON.stringify(opts)).toBe(true);
    }
    const notADb = await createViewer({} as never).catch((e: unknown) => e);
    expect(isAgentDBError(notADb, 'INVALID_ARGUMENT')).toBe(true);
  });

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const error = await createViewer(db, { port }).catch((e: unknown) => e);
      expect(isAgentDBError(error, 'INVALID_ARGUMENT')).toBe(true);
      expect((error as Error).message).toContain(`cannot listen on 127.0.0.1:${port}: the port is in use`);
    } finally {
      blocker.close();
    }
  });

  it('binds 127.0.0.1 by default and stops cleanly, ending open live streams; close is idempotent', async () => {
    const v = await createViewer(db, { port: 0 });
    expect(v.host).toBe('127.0.0.1');
    expect(v.url).toBe(`http://127.0.0.1:${v.port}/`);
    const stream = await fetch(new URL('/api/changes', v.url));
    const reader = stream.body!.getReader();
    await reader.read(); // ": connected"
    await Promise.all([v.close(), v.close()]);
    // The stream ends rather than hanging, and the port no longer answers.
    for (;;) if ((await reader.read()).done) break;
    await expect(fetch(new URL('/api/runs', v.url))).rejects.toThrow();
  });
});

describe('the live stream', () => {
  /** Reads server-sent events from `/api/changes` until `until` returns true. */
  async function readUntil(
    until: (msg: ChangeMessage) => boolean,
    write: () => Promise<void>,
  ): Promise<ChangeMessage[]> {
    const res = await get('/api/changes');
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const seen: ChangeMessage[] = [];
    let buffer = '';
    await reader.read(); // connected: now the write is certain to come after
    await write();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += value;
        const blocks = buffer.split('\n\n');
        buffer = blocks.pop() ?? '';
        for (const block of blocks) {
          const data = /^event: commit\ndata: (.*)$/m.exec(block);
          if (data === null) continue;
          const msg = JSON.parse(data[1]!) as ChangeMessage;
          seen.push(msg);
          if (until(msg)) return seen;
        }
      }
    } finally {
      await reader.cancel();
    }
  }

  it('announces which runs a commit wrote, and whether it changed the run index', async () => {
    const data = await readUntil(
      (m) => m.runIds.includes('other-run'),
      () => db.kv.put('other-run', 'x', 1),
    );
    expect(data.at(-1)).toMatchObject({ runIds: ['other-run'], runIndex: false });
    const index = await readUntil(
      (m) => m.runIndex,
      async () => {
        await db.runs.createRun({ runId: 'fresh' });
      },
    );
    expect(index.at(-1)!.runIndex).toBe(true);
    expect(index.at(-1)!.version).toBe(db.engine.stats().version);
  });
});
