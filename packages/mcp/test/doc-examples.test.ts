import { join } from 'node:path';
import { AgentDB } from '@agentdb/primitives';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import { RunScope } from '../src/run-scope.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh AgentDB
// holding run `run-1` (with KV entries, an event and a trace `root-1`). Servers the examples start
// listen on a free port instead of the one they name.
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['createServer', 'serveHttp', 'serveStdio'],
    '../src/run-scope.js': ['RunScope'],
    '../src/kv-tools.js': ['kvPut'],
    '../src/state-tools.js': ['stateCas'],
    '../src/events-tools.js': ['eventsAppend'],
    '../src/tool.js': ['ToolContext'],
    '@agentdb/primitives': ['AgentDB', 'AgentDBError', 'invalidArgument'],
    '@modelcontextprotocol/sdk/server/mcp.js': ['McpServer'],
    '@modelcontextprotocol/sdk/server/stdio.js': ['StdioServerTransport'],
    express: ['default as express'],
    zod: ['z'],
  },
  fixtureType: `{
    db: AgentDB; scope: RunScope; ctx: ToolContext; server: McpServer; runId: string; id: string;
    rootId: string; args: { run_id: string }
  }`,
  rewrite: (code) => code.replaceAll('7420', '0'),
  async open() {
    const db = await AgentDB.open();
    await db.runs.createRun({ runId: 'run-1', name: 'triage' });
    await db.kv.put('run-1', 'a', 1);
    await db.kv.put('run-1', 'b', 2);
    await db.events.append('run-1', 'note', 'hi');
    await db.traces.record('run-1', { type: 'thought', content: 'plan' }, { id: 'root-1' });
    const scope = RunScope.parse(['run-1', 'job-*']);
    return {
      fixtures: {
        db,
        scope,
        ctx: { db, scope },
        server: new McpServer({ name: 'agentdb-docs', version: '0.0.0' }),
        runId: 'run-1',
        id: 'root-1',
        rootId: 'root-1',
        args: { run_id: 'run-1' },
      },
      dispose: () => db.close(),
    };
  },
});
