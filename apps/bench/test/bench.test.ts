import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY } from '../src/config.js';
import type { BenchResult } from '../src/result.js';
import { runBench } from '../src/suite.js';
import { formatTable } from '../src/table.js';
import { memoryWorkloads } from '../src/workloads/memory.js';
import { postgresWorkloads } from '../src/workloads/postgres.js';

// These tests check wiring and result shape on tiny sizes. They never assert a speed: the figures of
// a tiny run mean nothing. What they do assert is deterministic: baselines ran, checks held, reads
// per query did not grow with data, no caller saw a conflict.

const byName = (rows: BenchResult[], prefix: string) => rows.filter((r) => r.workload.startsWith(prefix));

function expectRowShape(r: BenchResult): void {
  expect(typeof r.workload).toBe('string');
  expect(Number.isFinite(r.opsPerSec) && r.opsPerSec > 0).toBe(true);
  expect(['strict', 'buffered', 'memory']).toContain(r.durability);
  expect(Number.isInteger(r.dataSize) && r.dataSize >= 0).toBe(true);
  if (r.baseline === null) {
    expect(r.baselineOpsPerSec).toBeNull();
    expect(r.ratio).toBeNull();
  } else {
    expect(Number.isFinite(r.baselineOpsPerSec) && (r.baselineOpsPerSec ?? 0) > 0).toBe(true);
    // The row's ops/s are rounded to integers and the ratio to 3 decimals, so the ratio recomputed
    // from the rounded figures may differ by the rounding: ±0.5 on each rate, relative to it.
    const o = r.opsPerSec;
    const b = r.baselineOpsPerSec!;
    const slack = (o / b) * (0.5 / o + 0.5 / b) + 0.0005;
    expect(Math.abs((r.ratio ?? 0) - o / b)).toBeLessThanOrEqual(slack * 1.01);
  }
  expect(r.target === null).toBe(r.met === null);
}

describe('bench suite on tiny sizes', () => {
  let rows: BenchResult[];
  beforeAll(async () => {
    rows = await runBench(TINY);
  });

  it('produces rows of the latest.json shape', () => {
    expect(rows.length).toBeGreaterThan(20);
    for (const r of rows) expectRowShape(r);
  });

  it('measures every target row', () => {
    const targeted = rows.filter((r) => r.target !== null).map((r) => r.workload);
    for (const w of [
      'KV put, 20 in flight',
      'KV get (hot)',
      'sequential durable commits, each awaited',
      'event append, 20 concurrent appenders on one run',
      'cross-primitive txn',
      'trace record with 2 tags',
      'traces.queryByTag',
      'events.readByType',
      "runs.queryRuns({ status: 'failed' })",
      "kv.list({ prefix: 'needle/' })",
      'events.len',
      'traces.getTree',
      'event append, 20 concurrent, at log length 100',
      '20 KV puts in one transaction',
      '20 event appends in one transaction',
      '20 trace records (2 tags) in one transaction',
    ]) {
      expect(
        targeted.some((t) => t.startsWith(w)),
        w,
      ).toBe(true);
    }
  });

  it('runs the raw lmdb-js and better-sqlite3 baselines in the same run', () => {
    const baselines = rows.map((r) => r.baseline ?? '');
    for (const b of [
      'lmdb-js batched put + await flushed',
      'lmdb-js get',
      'lmdb-js transactionSync (put)',
      'better-sqlite3 WAL sync=FULL, 1 txn per put',
      'better-sqlite3 WAL sync=NORMAL, all 20 in 1 txn',
      'better-sqlite3 SELECT + JSON.parse',
      'better-sqlite3 WAL sync=FULL + sha256 chain, 1 txn per append',
      'better-sqlite3 WAL sync=FULL, trace row + indices, 1 txn per trace',
      'lmdb-js, the same puts in 1 txn',
    ]) {
      expect(baselines, b).toContain(b);
    }
  });

  it('gives every write row a raw lmdb-js limit (≥ 0.5×), and every batched row the SQLite glue (≥ 1×)', () => {
    // LangGraph rows compare two integrations (AgentDBSaver, SqliteSaver), not storage paths.
    const writes = rows.filter(
      (r) =>
        /put|append|record|txn|commit/.test(r.workload) &&
        r.dataSize === 0 &&
        !r.workload.startsWith('LangGraph'),
    );
    const workloads = new Set(writes.map((r) => r.workload));
    expect(workloads.size).toBeGreaterThanOrEqual(8);
    for (const w of workloads) {
      const limits = writes.filter((r) => r.workload === w && r.baseline?.startsWith('lmdb-js'));
      expect(
        limits.some((r) => r.target !== null && (r.target.includes('0.5') || r.target.includes('0.8'))),
        w,
      ).toBe(true);
    }
    for (const r of rows.filter((r) => r.workload.endsWith('in one transaction'))) {
      if (r.baseline?.startsWith('better-sqlite3')) expect(r.target, r.workload).toBe('≥ 1 × baseline');
    }
  });

  it('sees no conflict among concurrent appenders to one run', () => {
    const appends = byName(rows, 'event append');
    expect(appends.length).toBeGreaterThan(0);
    for (const r of appends) expect(r.conflicts).toBe(0);
  });

  it('reads the same number of entries per query at both data sizes', () => {
    const [small, large] = TINY.scalingSizes;
    for (const q of [
      'traces.queryByTag',
      'events.readByType',
      'runs.queryRuns',
      'kv.list',
      'events.len',
      'traces.getTree',
    ]) {
      const at = (size: number | undefined) => byName(rows, q).find((r) => r.dataSize === size);
      expect(at(small)?.readsPerOp, q).toBeGreaterThan(0);
      expect(at(large)?.readsPerOp, q).toBe(at(small)?.readsPerOp);
    }
  });

  it('leaves the PostgreSQL group out unless it is named', () => {
    expect(byName(rows, 'PostgreSQL')).toEqual([]);
  });

  it('prints every row in the table', () => {
    const table = formatTable(rows);
    for (const r of rows) expect(table).toContain(r.workload);
  });
});

describe('PostgreSQL workloads (--only postgres)', () => {
  it('measure each row against raw pg in the same run, on a server they start and stop', async () => {
    const rows = await postgresWorkloads({ cfg: TINY, log: () => {} });
    expect(rows.map((r) => r.workload.split(',')[0])).toEqual([
      'PostgreSQL: KV put',
      'PostgreSQL: cross-primitive txn (kv put + event append + state set + trace record)',
      'PostgreSQL: event append',
    ]);
    for (const r of rows) {
      expectRowShape(r);
      expect(r.baseline).toMatch(/^raw pg: the same statements, 1 SQL txn per op/);
    }
    expect(rows.at(-1)?.conflicts).toBe(0);
  });
});

describe('memory workload', () => {
  it('reports one sample per step from a child process', async () => {
    const [row] = await memoryWorkloads({
      cfg: { ...TINY, memory: { records: 600, step: 200, batch: 100 } },
      log: () => {},
    });
    expect(row?.memory?.map((s) => s.stored)).toEqual([200, 400, 600]);
    for (const s of row?.memory ?? []) expect(s.peakRssMiB).toBeGreaterThan(0);
    expect(typeof row?.met).toBe('boolean');
  });
});

describe('the CLI', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'agentdb-bench-test-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes results/latest.json as an array of result rows, and the run conditions', () => {
    const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
    const run = spawnSync(process.execPath, [main, '--tiny', '--only', 'kv', '--out', out], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('| KV get (hot) |');
    const rows = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResult[];
    expect(Array.isArray(rows)).toBe(true);
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          'workload',
          'opsPerSec',
          'baseline',
          'baselineOpsPerSec',
          'ratio',
          'target',
          'met',
          'dataSize',
          'durability',
        ]),
      );
      expectRowShape(r);
    }
    const meta = JSON.parse(readFileSync(join(out, 'latest-meta.json'), 'utf8')) as { mode: string };
    expect(meta.mode).toBe('tiny');
  });
});
