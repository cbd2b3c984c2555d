import type { TestProject } from 'vitest/node';
import { startServer } from '../src/testing.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The connection string of the test run's PostgreSQL server. */
    pgUrl: string;
  }
}

/** One real PostgreSQL server for the whole test run; every test uses a fresh schema on it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
