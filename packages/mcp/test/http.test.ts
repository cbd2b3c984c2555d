import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok } from './helpers/calls.js';
import {
  databaseDir,
  type HttpServerProcess,
  httpSession,
  startHttpServer,
  stdioSession,
} from './helpers/server.js';
import { expectTourStored, READ_TOOLS, tourEveryTool, WRITE_TOOLS } from './helpers/tour.js';

describe('the built program over Streamable HTTP', () => {
  const db = databaseDir();
  let server: HttpServerProcess;

  beforeAll(async () => {
    server = await startHttpServer(db.dir);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    db.remove();
  });

  it('listens on 127.0.0.1 at /mcp unless told otherwise', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it('serves every tool and resource, and the database holds what it wrote', async () => {
    const session = await httpSession(server.url);
    const { tools } = await session.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    const record = await tourEveryTool(session.client, 'tour-http');
    await session.close();
    expect([...record.called].sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    await expectTourStored(db.dir, record);
  });

  it('shares the database with a stdio server process on the same directory', async () => {
    const web = await httpSession(server.url);
    const local = await stdioSession(db.dir);
    try {
      await ok(web.client, 'kv_put', { run_id: 'beside', key: 'k', value: 'from http' });
      expect(await ok(local.client, 'kv_get', { run_id: 'beside', key: 'k' })).toEqual({
        found: true,
        value: 'from http',
      });
      await ok(local.client, 'events_append', { run_id: 'beside', event_type: 'seen', payload: 'by stdio' });
      expect((await ok(web.client, 'events_head', { run_id: 'beside' })).head).toMatchObject({
        sequence: 0,
        payload: 'by stdio',
      });
    } finally {
      await Promise.all([web.close(), local.close()]);
    }
  });
});
