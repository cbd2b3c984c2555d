import { parseArgs } from 'node:util';

/** What the command line asked for. */
export interface SoakArgs {
  seconds: number;
  workers: number;
  killMinMs: number;
  killMaxMs: number;
  durability: 'strict' | 'buffered' | 'mixed';
  /** Database directory; a new temporary one when absent. */
  dir: string | undefined;
  /** Keep the directory afterwards (it is always kept when a check fails). */
  keep: boolean;
  json: boolean;
  help: boolean;
}

export const USAGE = `Usage: pnpm soak -- [options]   (or node apps/soak/dist/main.js [options])

Runs writer processes on one database directory, each making random transactions across all five
primitives, while one of them is SIGKILLed and restarted every few hundred milliseconds; then checks
that no acknowledged transaction was lost, none is half-applied, every chain verifies and the engine's
verify() is clean. Exits 0 when every check passes, 1 otherwise.

  --seconds <n>       how long the writers run (default 60)
  --minutes <n>       the same in minutes
  --workers <n>       writer processes (default 3)
  --kill-every <a-b>  pause between kills, ms, chosen at random in [a, b] (default 200-1000)
  --durability <d>    strict | buffered | mixed (alternating by worker; default strict)
  --dir <path>        database directory (default: a new temporary one, removed if every check passes)
  --keep              keep the directory afterwards
  --json              print only the JSON result line
  -h, --help          show this help`;

/** Parses argv (without `node` and the script); throws `TypeError` with a readable message. */
export function parseSoakArgs(argv: readonly string[]): SoakArgs {
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: 'string' },
      minutes: { type: 'string' },
      workers: { type: 'string' },
      'kill-every': { type: 'string' },
      durability: { type: 'string' },
      dir: { type: 'string' },
      keep: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const positive = (name: string, v: string | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!(n > 0) || !Number.isFinite(n)) throw new TypeError(`--${name} needs a positive number, got ${v}`);
    return n;
  };
  const seconds =
    values.minutes !== undefined
      ? positive('minutes', values.minutes, 1) * 60
      : positive('seconds', values.seconds, 60);
  const workers = positive('workers', values.workers, 3);
  if (!Number.isInteger(workers)) throw new TypeError('--workers needs a whole number');
  const [killMinMs, killMaxMs] = (values['kill-every'] ?? '200-1000').split('-').map(Number);
  if (!(killMinMs! >= 0 && killMaxMs! >= killMinMs!))
    throw new TypeError(`--kill-every needs <min>-<max> in ms, got ${values['kill-every']}`);
  const durability = values.durability ?? 'strict';
  if (durability !== 'strict' && durability !== 'buffered' && durability !== 'mixed')
    throw new TypeError(`--durability must be strict, buffered or mixed, got ${durability}`);
  return {
    seconds,
    workers,
    killMinMs: killMinMs!,
    killMaxMs: killMaxMs!,
    durability,
    dir: values.dir,
    keep: values.keep,
    json: values.json,
    help: values.help,
  };
}
