import { atomicitySuite } from './atomicity.js';
import { cascadeDeleteSuite } from './cascade-delete.js';
import { isolationSuite } from './isolation.js';
import { modelSuite } from './model-suite.js';
import type { PrimitivesSubject } from './subject.js';

/**
 * The primitives' integration tests as vitest suites, defined once and run unchanged on every engine
 * (the LMDB engine in this package, `@agentdb/postgres` on PostgreSQL): atomicity across all five
 * primitives, run isolation, the fast-check model test, and cascade delete including the
 * message-queue extension. Import from `@agentdb/primitives/contract` in a test file; it needs
 * vitest, fast-check and `@agentdb/example-message-queue` installed.
 *
 * @example
 * primitivesContract('postgres', {
 *   open: async ({ clock }) => {
 *     const schema = freshSchema();
 *     const db = new AgentDB(await PostgresDatabase.open({ connectionString, schema, clock }));
 *     return { db, reopen: …, dispose: … };
 *   },
 * });
 */
export function primitivesContract(name: string, subject: PrimitivesSubject): void {
  atomicitySuite(name, subject);
  isolationSuite(name, subject);
  modelSuite(name, subject);
  cascadeDeleteSuite(name, subject);
}

export { indexProblems } from './index-checker.js';
export {
  type AgentFixture,
  type OpenedAgentDB,
  openFixture,
  type PrimitivesSubject,
  rejectionOf,
} from './subject.js';
export { atomicitySuite, cascadeDeleteSuite, isolationSuite, modelSuite };
