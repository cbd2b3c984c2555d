// `node dist/main.js [--quick | --tiny] [--only kv,events,…] [--out dir]`: runs the DESIGN.md §5 workloads with their
// baselines, prints a Markdown table and writes results/latest.json (+ latest-meta.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FULL, QUICK, TINY } from './config.js';
import type { RunConditions } from './result.js';
import { GROUPS, type GroupName, runBench } from './suite.js';
import { formatConditions, formatTable } from './table.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    // Tiny sizes: checks the wiring end to end in seconds; its figures mean nothing.
    tiny: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const only = values.only?.split(',').map((s) => s.trim()) as GroupName[] | undefined;
for (const g of only ?? []) {
  if (!(g in GROUPS)) {
    console.error(`unknown group ${g}; groups: ${Object.keys(GROUPS).join(', ')}`);
    process.exit(2);
  }
}
const cfg = values.tiny ? TINY : values.quick ? QUICK : FULL;
const started = new Date();
const loadAverageBefore = loadavg();
const t0 = performance.now();
const rows = await runBench(cfg, {
  log: (m) => console.error(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${m}`),
  ...(only === undefined ? {} : { only }),
});
const conditions: RunConditions = {
  mode: cfg.mode,
  startedAt: started.toISOString(),
  durationSec: (performance.now() - t0) / 1000,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  loadAverageBefore,
  loadAverageAfter: loadavg(),
  node: process.versions.node,
};
const dir = values.out ?? fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(rows, null, 2)}\n`);
writeFileSync(join(dir, 'latest-meta.json'), `${JSON.stringify(conditions, null, 2)}\n`);
console.log(formatTable(rows));
console.log(`\n${formatConditions(conditions)}`);
const short = rows.filter((r) => r.met === false).length;
console.log(
  `${rows.filter((r) => r.met !== null).length - short} targets met, ${short} short. Wrote ${join(dir, 'latest.json')}`,
);
