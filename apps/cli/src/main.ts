#!/usr/bin/env node
import type { runCli as RunCli } from './cli.js';

// The CLI proper is loaded dynamically so that an incomplete build (a dist/ whose workspace
// dependencies were never built, or a build that stopped half-way) ends in one line that says what
// to do, never in a module-resolution stack trace.
let runCli: typeof RunCli;
try {
  ({ runCli } = await import('./cli.js'));
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw error;
  const missing = /Cannot find (?:module|package) '([^']+)'/.exec(String((error as Error).message))?.[1];
  process.stderr.write(
    `agentdb: this build of the CLI is incomplete${missing === undefined ? '' : ` (missing ${missing})`}; ` +
      'build it with its dependencies from the repository root: pnpm build --filter=@agentdb/cli...\n',
  );
  process.exit(1);
}

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
