import type { BenchResult, RunConditions } from './result.js';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const size = (n: number) =>
  n >= 1_000_000 ? `${n / 1_000_000}M` : n >= 1_000 ? `${n / 1_000}K` : n === 0 ? '—' : String(n);

function verdict(r: BenchResult): string {
  if (r.met === null) return '';
  return r.met ? '✅ met' : '❌ short';
}

/**
 * The results as a Markdown table (printed by the CLI and pasted into the README), then the memory
 * steps if any.
 *
 * @example
 * console.log(formatTable(rows));
 */
export function formatTable(rows: readonly BenchResult[]): string {
  const out = [
    '| workload | durability | data | AgentDB ops/s | µs/op | baseline | baseline ops/s | ratio | reads/op | conflicts | target | met |',
    '|---|---|--:|--:|--:|---|--:|--:|--:|--:|---|---|',
  ];
  for (const r of rows) {
    if (r.memory !== undefined) continue;
    out.push(
      `| ${r.workload} | ${r.durability} | ${size(r.dataSize)} | ${int(r.opsPerSec)} | ${r.usPerOp} | ${r.baseline ?? '—'} | ${
        r.baselineOpsPerSec === null ? '—' : int(r.baselineOpsPerSec)
      } | ${r.ratio === null ? '—' : r.ratio.toFixed(2)} | ${r.readsPerOp === undefined ? '' : r.readsPerOp} | ${r.conflicts ?? ''} | ${
        r.target ?? ''
      } | ${verdict(r)} |`,
    );
  }
  for (const r of rows) {
    if (r.memory === undefined) continue;
    out.push('', `**${r.workload}** — ${int(r.opsPerSec)} inserts/s, ${r.target}: ${verdict(r)}`, '');
    out.push(
      '| stored | peak anon RSS MiB | peak RSS MiB | mapped-file RSS MiB | heap used MiB | external MiB | inserts/s (step) |',
    );
    out.push('|--:|--:|--:|--:|--:|--:|--:|');
    for (const s of r.memory) {
      out.push(
        `| ${size(s.stored)} | ${s.peakAnonMiB ?? '—'} | ${s.peakRssMiB} | ${s.fileMiB ?? '—'} | ${s.heapUsedMiB} | ${s.externalMiB} | ${int(s.opsPerSec)} |`,
      );
    }
  }
  return out.join('\n');
}

/** One line describing the run's conditions. @example formatConditions(meta) */
export function formatConditions(c: RunConditions): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return `${c.mode} run, ${c.startedAt}, ${c.durationSec.toFixed(0)} s, Node ${c.node}, ${c.cpus} × ${c.cpuModel}; load average (1/5/15 min) before ${load(c.loadAverageBefore)}, after ${load(c.loadAverageAfter)}`;
}
