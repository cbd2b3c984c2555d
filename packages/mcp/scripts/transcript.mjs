// Prints the README's session transcript from a real run: the built agentdb-mcp program on a fresh
// directory, driven over stdio by the MCP SDK's client. Run after `pnpm build`: node scripts/transcript.mjs
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'agentdb-mcp-transcript-'));
const client = new Client({ name: 'transcript', version: '1.0.0' });
await client.connect(
  new StdioClientTransport({ command: process.execPath, args: [bin, dir], stderr: 'ignore' }),
);

const show = (lines) => console.log(lines.map((l) => `  ${l}`).join('\n'));
async function call(name, args) {
  console.log(`→ ${name} ${JSON.stringify(args)}`);
  const result = await client.callTool({ name, arguments: args });
  const [summary, json] = result.content[0].text.split('\n');
  console.log(`← ${result.isError ? 'isError: ' : ''}${summary}`);
  show([json]);
  console.log();
}

try {
  const run = 'support-42';
  const { tools } = await client.listTools();
  console.log(`→ tools/list`);
  console.log(`← ${tools.length} tools: ${tools.map((t) => t.name).join(', ')}\n`);
  await call('runs_create', { run_id: run, name: 'refund request', tags: ['support'] });
  await call('state_init', { run_id: run, name: 'phase', value: 'triage' });
  await call('transaction', {
    run_id: run,
    operations: [
      { op: 'state_cas', name: 'phase', expected_version: 1, value: 'lookup' },
      { op: 'kv_put', key: 'customer', value: { id: 'c-981', plan: 'pro' } },
      { op: 'events_append', event_type: 'phase_changed', payload: { from: 'triage', to: 'lookup' } },
    ],
  });
  await call('state_cas', { run_id: run, name: 'phase', expected_version: 1, value: 'answer' });
  await call('traces_record', {
    run_id: run,
    trace: { type: 'tool_call', tool_name: 'crm.lookup', arguments: { id: 'c-981' }, result: { refunds: 0 } },
    tags: ['crm'],
  });
  await call('events_verify', { run_id: run });
  await call('runs_complete', { run_id: run });
  const uri = `agentdb://runs/${run}`;
  console.log(`→ resources/read ${uri}`);
  const { contents } = await client.readResource({ uri });
  const body = JSON.parse(contents[0].text);
  console.log(
    `← ${JSON.stringify({ ...body, run: { run_id: body.run.run_id, status: body.run.status, '…': '…' } })}`,
  );
} finally {
  await client.close();
  rmSync(dir, { recursive: true, force: true });
}
