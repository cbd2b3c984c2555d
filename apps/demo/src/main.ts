#!/usr/bin/env node
import { parseDemoArgs, USAGE } from './args.js';
import type { DemoContext } from './context.js';
import { DemoError } from './reset.js';
import { playScenario } from './scenario.js';
import { openSession, reportEarlier } from './session.js';
import { styleFor } from './style.js';
import { printSummary } from './summary.js';

/** Runs the demo; resolves to the process exit code (0: every check passed). */
async function main(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseDemoArgs>;
  try {
    args = parseDemoArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const style = styleFor(process.stdout);
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const { db, session, earlier, dirLabel } = await openSession(args, style, out);
  const ctx: DemoContext = { db, session, style, out, problems: [] };
  try {
    await reportEarlier(ctx, earlier);
    await playScenario(ctx);
    await printSummary(ctx, dirLabel);
  } finally {
    await db.close();
  }
  return ctx.problems.length === 0 ? 0 : 1;
}

// Piped into `head` or a pager that quit: stop quietly. Every acknowledged commit is already on disk
// and an unfinished transaction is simply not applied, so the next session starts from a sound store.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const text = e instanceof DemoError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`demo failed: ${text}\n`);
    process.exitCode = 1;
  },
);
