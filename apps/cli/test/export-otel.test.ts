import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@agentdb/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb } from './helpers/cli.js';

// `export-otel` on the database the demo app leaves behind: the wiring of @agentdb/otel (whose own tests
// decode every span in both encodings) into the CLI — stdout OTLP/JSON and a real POST to a local collector.
const DEMO = fileURLToPath(new URL('../../demo/dist/main.js', import.meta.url));
const RUN = 's1-fix-flaky-test';

interface Otlp {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { traceId: string; spanId: string; parentSpanId?: string; name: string }[] }[];
  }[];
}
const spansOf = (o: Otlp) => o.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));

let dir: string;
let traceCount: number;

beforeAll(async () => {
  dir = tempDir('agentdb-cli-otel-');
  const demo = spawnSync(process.execPath, [DEMO, '--dir', dir], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  expect(demo.status, demo.stderr).toBe(0);
  const traces = await agentdb([dir, 'traces', RUN, '--json']);
  traceCount = (JSON.parse(traces.stdout) as unknown[]).length;
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A collector stand-in on 127.0.0.1: records each request's content type and body, answers 200. */
async function collector() {
  const requests: { url: string; contentType: string; body: Buffer }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        url: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      const json = req.headers['content-type']?.startsWith('application/json') === true;
      res
        .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
        .end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs `export-otel RUN` with the options `args(collectorBaseUrl)` against a fresh collector. */
async function sendTo(args: (base: string) => string[]) {
  const c = await collector();
  try {
    const result = await agentdb([dir, 'export-otel', RUN, ...args(c.base)]);
    return { ...result, requests: c.requests, base: c.base };
  } finally {
    await c.close();
  }
}

describe('agentdb <dir> export-otel', () => {
  it('prints the run as one OTLP/JSON request: one trace, one span per trace, the tree as parents', async () => {
    const { code, stdout, stderr } = await agentdb([dir, 'export-otel', RUN]);
    expect(code, stderr).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    const request = JSON.parse(stdout) as Otlp;
    const spans = spansOf(request);
    expect(spans).toHaveLength(traceCount);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(1);
    expect(spans.every((s) => s.parentSpanId === undefined || ids.has(s.parentSpanId))).toBe(true);
    expect(spans.some((s) => s.name === 'execute_tool search_code')).toBe(true);
    expect(request.resourceSpans[0]?.resource.attributes).toContainEqual({
      key: 'agentdb.run.id',
      value: { stringValue: RUN },
    });
  });

  it('POSTs OTLP/HTTP JSON to the collector, adding /v1/traces to a base URL', async () => {
    const { code, stderr, requests, base } = await sendTo((url) => [
      '--endpoint',
      url,
      '--protocol',
      'http/json',
    ]);
    expect(code, stderr).toBe(0);
    const sent = `^exported ${traceCount} spans of run "${RUN}" to ${base}/v1/traces \\(trace id [0-9a-f]{32}\\)`;
    expect(stderr).toMatch(new RegExp(sent));
    expect(requests.map((r) => [r.url, r.contentType])).toEqual([['/v1/traces', 'application/json']]);
    expect(spansOf(JSON.parse(requests[0]!.body.toString()) as Otlp)).toHaveLength(traceCount);
  });

  it('POSTs OTLP/HTTP protobuf by default, to a full traces URL as given', async () => {
    const { code, stderr, requests } = await sendTo((url) => ['--endpoint', `${url}/custom/path`]);
    expect(code, stderr).toBe(0);
    expect(requests.map((r) => [r.url, r.contentType])).toEqual([['/custom/path', 'application/x-protobuf']]);
    // Every span's name is in the protobuf body as a string field.
    expect(requests[0]!.body.includes('execute_tool search_code')).toBe(true);
  });

  it.each([
    [
      ['export-otel', RUN, '--protocol', 'grpc'],
      2,
      /--protocol must be http\/protobuf or http\/json, got "grpc"/,
    ],
    [['export-otel', RUN, '--endpoint', 'ftp://x'], 2, /--endpoint must be an http\(s\) URL/],
    [['export-otel', 'no-such-run'], 1, /unknown run "no-such-run"/],
    [
      ['export-otel', RUN, '--endpoint', 'http://127.0.0.1:1'],
      1,
      /exporting run s1-fix-flaky-test failed after 0 of \d+ spans/,
    ],
  ])('%j fails with status %i and one line', async (args, status, message) => {
    // The exporter retries a refused connection until its timeout (10 s by default): 1 s is enough here.
    const { code, stdout, stderr } = await agentdb([dir, ...args], {
      env: { OTEL_EXPORTER_OTLP_TIMEOUT: '1000' },
    });
    expect(code).toBe(status);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
