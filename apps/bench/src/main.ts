// `node dist/main.js [--quick | --tiny] [--only kv,events,…] [--out dir] [--help]`: runs the performance-target workloads with their
// baselines, prints a Markdown table and writes results/latest.json (+ latest-meta.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchArgs, parseBenchArgs, USAGE } from './args.js';
import type { RunConditions } from './result.js';
import { ensureSqliteAddon } from './sqlite-native.js';
import { runBench } from './suite.js';
import { formatConditions, formatTable } from './table.js';

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  // A bad command line is a usage error (exit 2), never a stack trace.
  process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
  process.exit(2);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
try {
  ensureSqliteAddon((line) => console.error(line));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
}
const { config: cfg, only } = args;
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
const dir = args.out ?? fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(rows, null, 2)}\n`);
writeFileSync(join(dir, 'latest-meta.json'), `${JSON.stringify(conditions, null, 2)}\n`);
console.log(formatTable(rows));
console.log(`\n${formatConditions(conditions)}`);
const short = rows.filter((r) => r.met === false).length;
console.log(
  `${rows.filter((r) => r.met !== null).length - short} targets met, ${short} short. Wrote ${join(dir, 'latest.json')}`,
);
