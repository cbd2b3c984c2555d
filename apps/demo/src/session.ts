import { existsSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { AgentDB, type RunMetadata } from '@agentdb/primitives';
import type { DemoArgs } from './args.js';
import { DEMO_TAG, type DemoContext, sessionOf } from './context.js';
import { DemoError, resetDatabaseDir } from './reset.js';
import type { Style } from './style.js';
import { verifyChains } from './summary.js';

/** An open database and what an earlier session left in it. */
export interface Session {
  readonly db: AgentDB;
  readonly session: number;
  readonly earlier: readonly RunMetadata[];
  /** The directory as printed: relative to the current directory when inside it. */
  readonly dirLabel: string;
}

/**
 * Opens (or with `--reset`, recreates) the database and finds the runs earlier sessions created, through
 * the run index's tag index. The session number is one more than the highest recorded.
 *
 * @example const { db, session } = await openSession(args, style, console.log)
 */
export async function openSession(
  args: DemoArgs,
  style: Style,
  out: (line?: string) => void,
): Promise<Session> {
  const rel = relative(process.cwd(), args.dir);
  const dirLabel = rel === '' ? '.' : rel.startsWith('..') ? args.dir : rel;
  out(style.bold('AgentDB demo — a simulated agent run (no network, no model)'));
  if (args.reset && resetDatabaseDir(args.dir)) out(`--reset: deleted the database in ${dirLabel}`);
  const db = await openDatabase(args.dir, dirLabel);
  const earlier = await db.runs.queryRuns({ tag: DEMO_TAG });
  const session = Math.max(0, ...earlier.map(sessionOf)) + 1;
  out(`database: ${dirLabel} (strict durability: every commit is on disk before it is acknowledged)`);
  return { db, session, earlier, dirLabel };
}

/**
 * Opens the database in `dir`. A path that cannot hold one (a file, a directory that cannot be created
 * or read) is the user's to fix: a DemoError with the reason, printed without a stack trace.
 */
async function openDatabase(dir: string, dirLabel: string): Promise<AgentDB> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new DemoError(`--dir ${dirLabel} is a file, not a directory: give a directory for the database`);
  }
  try {
    return await AgentDB.open({ path: dir });
  } catch (e) {
    throw new DemoError(`cannot open a database in ${dirLabel}: ${(e as Error).message}`);
  }
}

/**
 * Says which session this is, and re-verifies what earlier sessions stored: their runs are still there
 * and their event chains still verify after the process exited and the database was reopened.
 *
 * @example await reportEarlier(ctx, earlier)
 */
export async function reportEarlier(ctx: DemoContext, earlier: readonly RunMetadata[]): Promise<void> {
  if (earlier.length === 0) {
    ctx.out(ctx.style.bold(`session ${ctx.session}: a fresh database, no earlier runs`));
    return;
  }
  const sessions = new Set(earlier.map(sessionOf)).size;
  ctx.out(
    ctx.style.bold(
      `session ${ctx.session}: found ${earlier.length} earlier runs from ${sessions} earlier session${sessions === 1 ? '' : 's'}, reopened from disk`,
    ),
  );
  const ok = await verifyChains(ctx, earlier);
  ctx.out(`  ${ok} of ${earlier.length} earlier event chains still verify`);
  const unfinished = earlier.filter((r) => r.status === 'active');
  if (unfinished.length > 0) {
    ctx.out(
      ctx.style.yellow(
        `  still active from an interrupted session: ${unfinished.map((r) => r.runId).join(', ')} (its committed steps are all there)`,
      ),
    );
  }
}
