import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/** What the command line asked for. */
export interface DemoArgs {
  /** Absolute path of the database directory. */
  readonly dir: string;
  /** Start from an empty database. */
  readonly reset: boolean;
  readonly help: boolean;
}

/**
 * The default database directory: `apps/demo/agent-data`, found from this module's location (dist/ or
 * src/ are both one level below the app), so `pnpm demo` from the repository root and `node dist/main.js`
 * inside the app use the same, git-ignored, directory.
 */
export const DEFAULT_DIR = fileURLToPath(new URL('../agent-data', import.meta.url));

export const USAGE = `Usage: node apps/demo/dist/main.js [--dir <path>] [--reset]

Plays a simulated agent run on an AgentDB database (no network, no model) and prints what it stored.

  --dir <path>  database directory (default: apps/demo/agent-data); relative paths are taken
                from the current directory. Running again continues the same database.
  --reset       delete the database in that directory first and start at session 1
  -h, --help    show this help`;

/**
 * Parses argv (without `node` and the script). Throws a `TypeError` with a readable message on unknown
 * options or a missing `--dir` value.
 *
 * @example parseDemoArgs(['--dir', 'tmp/db', '--reset']) // { dir: '/abs/tmp/db', reset: true, help: false }
 */
export function parseDemoArgs(argv: readonly string[], cwd = process.cwd()): DemoArgs {
  // `pnpm run demo -- --reset` hands the program a literal `--` first: skip it.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    options: {
      dir: { type: 'string' },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.dir !== undefined && values.dir.length === 0) throw new TypeError('--dir needs a path');
  return {
    dir: values.dir === undefined ? DEFAULT_DIR : resolve(cwd, values.dir),
    reset: values.reset,
    help: values.help,
  };
}
