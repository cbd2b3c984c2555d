import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ok, withLibrary } from './helpers/calls.js';
import { databaseDir, runToEnd, type Session, stdioSession } from './helpers/server.js';
import { expectTourStored, READ_TOOLS, tourEveryTool, WRITE_TOOLS } from './helpers/tour.js';

/** The names and arguments the README promises clients can rely on: [tool, required, optional]. */
const PROMISED: [string, string[], string[]][] = [
  ['kv_put', ['run_id', 'key', 'value'], ['ttl_ms']],
  ['kv_get', ['run_id', 'key'], []],
  ['state_init', ['run_id', 'name', 'value'], []],
  ['state_cas', ['run_id', 'name', 'expected_version', 'value'], []],
  ['events_append', ['run_id', 'event_type', 'payload'], ['expected_sequence']],
  ['events_verify', ['run_id'], []],
  ['runs_create', [], ['run_id', 'name', 'tags', 'parent_run_id']],
  ['runs_get', ['run_id'], []],
  ['traces_record', ['run_id', 'trace'], ['parent_id', 'tags']],
  ['traces_tree', ['run_id'], ['trace_id']],
  ['transaction', ['run_id', 'operations'], []],
];

describe('the built program over stdio', () => {
  let db: ReturnType<typeof databaseDir>;
  const sessions: Session[] = [];
  const open = async (args: string[] = []) => {
    const s = await stdioSession(db.dir, args);
    sessions.push(s);
    return s;
  };

  beforeEach(() => {
    db = databaseDir();
  });
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.close()));
    db.remove();
  });

  it('lists every tool with a description, snake_case input and output schemas, and its read-only hint', async () => {
    const { tools } = await (await open()).client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    for (const tool of tools) {
      expect(tool.description?.length, tool.name).toBeGreaterThan(60);
      expect(tool.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      for (const arg of Object.keys(tool.inputSchema.properties ?? {}))
        expect(arg).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(tool.outputSchema?.type, tool.name).toBe('object');
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(READ_TOOLS.includes(tool.name));
    }
    for (const [name, required, optional] of PROMISED) {
      const schema = tools.find((t) => t.name === name)!.inputSchema;
      expect(schema.required ?? [], name).toEqual(expect.arrayContaining(required));
      expect((schema.required ?? []).length, name).toBe(required.length);
      expect(Object.keys(schema.properties ?? {}), name).toEqual(
        expect.arrayContaining([...required, ...optional]),
      );
    }
  });

  it('serves every tool and resource, and the database holds what it wrote', async () => {
    const session = await open();
    const { called } = await tourEveryTool(session.client, 'tour-stdio').then(async (record) => {
      await session.close();
      await expectTourStored(db.dir, record);
      return record;
    });
    expect([...called].sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
  });

  it('shares one database between two server processes on the same directory', async () => {
    const [a, b] = await Promise.all([open(), open()]);
    expect(a.pid()).not.toBe(b.pid());
    await ok(a.client, 'kv_put', { run_id: 'shared', key: 'from-a', value: { n: 1 } });
    await ok(a.client, 'state_init', { run_id: 'shared', name: 'turn', value: 'a' });
    expect(await ok(b.client, 'kv_get', { run_id: 'shared', key: 'from-a' })).toEqual({
      found: true,
      value: { n: 1 },
    });
    expect(
      await ok(b.client, 'state_cas', { run_id: 'shared', name: 'turn', expected_version: 1, value: 'b' }),
    ).toEqual({
      name: 'turn',
      version: 2,
    });
    expect(await ok(a.client, 'state_read', { run_id: 'shared', name: 'turn' })).toMatchObject({
      value: 'b',
      version: 2,
    });
    // Appends from both processes interleave into one contiguous chain.
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        ok(i % 2 ? a.client : b.client, 'events_append', {
          run_id: 'shared',
          event_type: 'tick',
          payload: i,
        }),
      ),
    );
    const { events } = await ok(a.client, 'events_read', { run_id: 'shared' });
    expect(events.map((e: { sequence: number }) => e.sequence)).toEqual([...Array(10).keys()]);
    expect(await ok(b.client, 'events_verify', { run_id: 'shared' })).toEqual({ valid: true, length: 10 });
    await withLibrary(db.dir, async (lib) => {
      expect(await lib.events.verifyChain('shared')).toEqual({ valid: true, length: 10 });
      expect(await lib.state.read('shared', 'turn')).toMatchObject({ value: 'b', version: 2 });
    });
  });

  it('ends by itself, with exit code 0, when the client closes its input', async () => {
    const { code, stdout, stderr } = await runToEnd([db.dir]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('serving');
  });

  it('prints its usage with --help and refuses bad options with exit code 2', async () => {
    const help = await runToEnd([db.dir, '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--read-only');
    const cases = [['--port', '80'], ['--http', '--port', 'abc'], ['--bogus'], ['extra']];
    const results = await Promise.all(cases.map((args) => runToEnd([db.dir, ...args])));
    for (const [i, bad] of results.entries()) {
      expect(bad.code, cases[i]!.join(' ')).toBe(2);
      expect(bad.stderr, cases[i]!.join(' ')).toMatch(/^agentdb-mcp: INVALID_ARGUMENT: /);
    }
  });
});
