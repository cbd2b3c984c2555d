import { parseArgs } from 'node:util';
import { type BenchConfig, FULL, QUICK, TINY } from './config.js';
import { GROUPS, type GroupName } from './suite.js';

/** What the command line asked for. */
export interface BenchArgs {
  config: BenchConfig;
  /** Only these workload groups (all when absent). */
  only: GroupName[] | undefined;
  /** Where to write latest.json and latest-meta.json (default: apps/bench/results). */
  out: string | undefined;
  help: boolean;
}

export const USAGE = `Usage: node apps/bench/dist/main.js [--quick | --tiny] [--only <groups>] [--out <dir>]

Runs the workloads of the performance targets (docs/architecture.md), each against its baseline measured in the same run (raw lmdb-js,
better-sqlite3), prints a Markdown table and writes results/latest.json and latest-meta.json.

  --quick           every workload at reduced sizes (well under a minute of measuring)
  --tiny            tiny sizes: checks the wiring end to end in seconds; the figures mean nothing
  --only <groups>   comma-separated workload groups: ${Object.keys(GROUPS).join(', ')}
                    (postgres runs only when named: it starts a PostgreSQL server)
  --out <dir>       write the results there instead of apps/bench/results
  -h, --help        show this help`;

/**
 * Parses argv (without `node` and the script). Throws a `TypeError` with a readable message for an
 * unknown option, a missing value or an unknown group.
 *
 * @example parseBenchArgs(['--quick', '--only', 'kv,events']) // { config: QUICK, only: ['kv', 'events'], … }
 */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  // `pnpm bench -- --quick` hands the program a literal `--` first: skip it.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean', default: false },
      tiny: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.quick && values.tiny) throw new TypeError('--quick and --tiny cannot be combined: pick one');
  if (values.out !== undefined && values.out.length === 0) throw new TypeError('--out needs a directory');
  const only = values.only?.split(',').map((s) => s.trim());
  for (const g of only ?? []) {
    if (!Object.hasOwn(GROUPS, g)) {
      throw new TypeError(`unknown group "${g}" in --only; the groups are ${Object.keys(GROUPS).join(', ')}`);
    }
  }
  return {
    config: values.tiny ? TINY : values.quick ? QUICK : FULL,
    only: only as GroupName[] | undefined,
    out: values.out,
    help: values.help,
  };
}
